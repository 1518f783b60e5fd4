"""Rambachan–Roth relative-magnitude sets by the conditional / least-favourable hybrid (C-LF) of
:mod:`evalkit.methods.sensitivity`, against the reference package's numbers stored in ``tests/data`` (no package is
needed at run time) and by simulation.

* Medicaid expansion (``ehec_data.csv``), first post-period effect: the R package HonestDiD's README — set widths
  within 2%, each end within 2% of the width, and the breakdown M̄ between 1.5 and 2 as the README reads it.
* The same, average of the two post-period effects: HonestDiD's Stata twin, printed to 3 decimals from a 1000-point
  grid — each end within rounding plus one grid step (0.001).
* Castle doctrine, the 2007 cohort (6 pre- and 4 post-period coefficients): the Python port ``moderndid`` on the
  stored inputs, first and mean post-period effect — widths within 2%.
* Smoothness (Δ^SD) FLCIs: the R README's Medicaid table and the port on castle, widths within 2% (never longer
  than the port's, which searches a grid).
* The dual vertices in closed form give the linear program's value; the test holds its level where the truth sits
  on the edge of Δ^RM.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from evalkit.methods import did, sensitivity
from tests.test_references import castle  # noqa: F401  (the fixture)

DATA = Path(__file__).parent / "data"
EXAMPLES = json.loads((DATA / "honestdid_reference.json").read_text(encoding="utf-8"))["examples"]


def _path(r: did.EventStudyResult) -> tuple[np.ndarray, np.ndarray, int, int]:
    times, cov = r.coefficient_covariance()
    beta = r.coefs.set_index("rel_time").loc[times, "estimate"].to_numpy(float)
    pre = sum(k < r.ref for k in times)
    return beta, cov, pre, len(times) - pre


@pytest.fixture(scope="module")
def medicaid():
    """HonestDiD's README specification: years before 2016, the 2015 cohort dropped, D = expanded in 2014."""
    d = pd.read_csv(DATA / "ehec_data.csv")
    d = d[(d["year"] < 2016) & (d["yexp2"].isna() | (d["yexp2"] != 2015))]
    d = d.assign(first_treated=np.where(d["yexp2"] == 2014, 2014, 0))
    r = did.event_study(d, "dins", "stfips", "year", "first_treated", ref=-1, cluster="stfips")
    return _path(r)


def _compare(ours: pd.DataFrame, ref: dict, width_tol: float) -> None:
    lb, ub = np.array(ref["lb"]), np.array(ref["ub"])
    width = ub - lb
    ratio = (ours["ci_high"] - ours["ci_low"]).to_numpy() / width
    assert np.all(np.abs(ratio - 1) <= width_tol), ratio
    assert np.all(np.abs(ours["ci_low"].to_numpy() - lb) <= width_tol * width)
    assert np.all(np.abs(ours["ci_high"].to_numpy() - ub) <= width_tol * width)


def test_sets_match_honestdid_on_medicaid_first_post_period(medicaid):
    ref = EXAMPLES["ehec_first_post"]
    beta, cov, pre, post = medicaid
    assert (pre, post) == (5, 2)
    ours = sensitivity.relative_magnitude_sets(beta, cov, pre, post, mbar=ref["mbar"], l_vec=ref["l_vec"]).table
    _compare(ours, ref, 0.02)
    # R's set at M̄ = 2 contains zero (−0.000916); the old bounds excluded it (#33)
    assert ours["excludes_zero"].tolist() == [lo > 0 for lo in ref["lb"]]


def test_breakdown_is_taken_from_the_sets(medicaid):
    beta, cov, pre, post = medicaid
    b = sensitivity.relative_magnitude_breakdown(beta, cov, pre, post)
    assert 1.5 < b <= 2.0  # the README: "the breakdown value for a significant effect is M̄ = 2"
    at = sensitivity.relative_magnitude_sets(beta, cov, pre, post, mbar=[b - 0.01, b]).table
    assert at["excludes_zero"].tolist() == [True, False]


def test_sets_match_the_stata_package_on_medicaid_average(medicaid):
    ref = EXAMPLES["ehec_average_post"]
    beta, cov, pre, post = medicaid
    ours = sensitivity.relative_magnitude_sets(beta, cov, pre, post, mbar=ref["mbar"], l_vec=ref["l_vec"]).table
    assert np.abs(ours["ci_low"] - ref["lb"]).max() <= 0.001
    assert np.abs(ours["ci_high"] - ref["ub"]).max() <= 0.001


def _castle(sets: str, which: str) -> tuple[tuple, dict]:
    """The stored castle inputs ``(β̂, Σ, pre, post)`` and the port's sets ``sets`` for parameter ``which``."""
    example = EXAMPLES["castle_2007_cohort"]
    beta, cov = np.array(example["betahat"]), np.array(example["sigma"])
    pre = sum(k < -1 for k in example["rel_time"])
    return (beta, cov, pre, len(beta) - pre), example[sets][which]


@pytest.mark.parametrize("which", ["first_post", "mean_post"])
def test_sets_match_the_port_on_castle(which):
    inputs, ref = _castle("sets", which)
    ours = sensitivity.relative_magnitude_sets(*inputs, mbar=ref["mbar"], l_vec=ref["l_vec"]).table
    _compare(ours, ref, 0.02)


def test_castle_inputs_are_the_event_study_of_the_2007_cohort(castle):  # noqa: F811
    example = EXAMPLES["castle_2007_cohort"]
    d = castle[castle["effyear"].isin([0, 2007])]
    beta, cov, pre, post = _path(did.event_study(d, "l_homicide", "sid", "year", "effyear", ref=-1, cluster="sid"))
    assert (pre, post) == (6, 4)
    np.testing.assert_allclose(beta, example["betahat"], atol=1e-12)
    np.testing.assert_allclose(cov, example["sigma"], atol=1e-12)


def _lp_value(y: np.ndarray, x: np.ndarray, sd: np.ndarray) -> float:
    """``min η`` s.t. ``y − Xγ ≤ η·sd``: the statistic as HonestDiD solves it."""
    k = x.shape[1]
    res = optimize.linprog(
        np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, x]), b_ub=-y, bounds=[(None, None)] * (k + 1)
    )
    assert res.status == 0
    return float(res.x[0])


@pytest.mark.parametrize("num_post", [2, 3, 5])
def test_the_closed_form_vertices_give_the_linear_programs_value(num_post):
    """η̂ = max over the closed-form dual vertices equals the LP with the nuisance post-period effects, for random
    coefficients, covariances, parameters and pieces."""
    rng = np.random.default_rng(num_post)
    num_pre = 3
    for _ in range(20):
        n = num_pre + num_post
        root = rng.normal(size=(n, n))
        sigma = root @ root.T / n
        beta = rng.normal(size=n)
        l_vec = rng.uniform(-1, 1, num_post)
        theta = rng.normal()
        mbar = rng.uniform(0, 2)
        problem = sensitivity._Problem(beta, sigma, num_pre, num_post, l_vec, 0.05, 0, 200)
        for piece in problem.pieces(mbar):
            y = sensitivity._moments(piece, beta, np.array([theta]), problem.w_full)[0]
            null_l = np.linalg.svd(l_vec[None, :])[2][1:].T  # post-period effects with l'τ = 0
            x = piece.A[:, num_pre:] @ null_l
            sd = np.sqrt(np.diag(piece.sigma_y))
            assert (y @ piece.vertices.T).max() == pytest.approx(_lp_value(y, x, sd), abs=1e-7)


def test_the_set_holds_its_level_when_the_truth_is_on_the_edge_of_the_restriction():
    """β̂ ~ N(β, Σ) with the post-period violation as large as M̄ = 1 allows (each post change equal to the largest
    pre-period change): the true first post-period effect is accepted at least 95% − 3 Monte Carlo sd of the time."""
    rng = np.random.default_rng(7)
    num_pre, num_post, mbar = 3, 2, 1.0
    delta_pre = np.array([-0.3, -0.1, 0.0])  # changes 0.2, 0.1, 0.0: the largest 0.2
    delta_post = np.array([0.2, 0.4])  # +0.2 per period: on the edge at M̄ = 1
    tau = np.array([0.5, 0.7])
    beta = np.r_[delta_pre, delta_post + tau]
    n = num_pre + num_post
    sigma = 0.01 * (0.5 ** np.abs(np.subtract.outer(np.arange(n), np.arange(n))))
    problem = sensitivity._Problem(beta, sigma, num_pre, num_post, None, 0.05, 0, 5000)
    pieces = problem.pieces(mbar)
    draws = 1500
    accepted = 0
    for b in rng.multivariate_normal(beta, sigma, size=draws):
        ok = False
        for piece in pieces:
            y = sensitivity._moments(piece, b, np.array([tau[0]]), problem.w_full)
            ok |= bool(sensitivity._accepts(piece, y, 0.05, problem.kappa)[0])
        accepted += ok
    coverage = accepted / draws
    assert coverage >= 0.95 - 3 * np.sqrt(0.95 * 0.05 / draws), coverage


def test_bad_inputs_are_refused():
    beta, sigma = np.zeros(4), np.eye(4)
    with pytest.raises(ValueError, match="num_pre"):
        sensitivity.relative_magnitude_sets(beta, sigma, 2, 3)
    with pytest.raises(ValueError, match="finite"):
        sensitivity.relative_magnitude_sets(np.r_[0, 0, np.nan, 0], sigma, 2, 2)
    with pytest.raises(ValueError, match="Mbar"):
        sensitivity.relative_magnitude_sets(beta, sigma, 2, 2, mbar=[-1])
    with pytest.raises(ValueError, match="l_vec"):
        sensitivity.relative_magnitude_sets(beta, sigma, 2, 2, l_vec=[0, 0])


def test_smoothness_flci_matches_honestdid_on_medicaid(medicaid):
    ref = EXAMPLES["ehec_first_post_smoothness"]
    beta, cov, pre, post = medicaid
    ours = sensitivity.smoothness_sets(beta, cov, pre, post, m=ref["m"], l_vec=ref["l_vec"])
    assert ours.method == "FLCI" and ours.level == pytest.approx(0.95)
    _compare(ours.table, ref, 0.02)


@pytest.mark.parametrize("which", ["first_post", "mean_post"])
def test_smoothness_flci_is_no_longer_than_the_ports_on_castle(which):
    """The FLCI minimises its length: at most the port's (which searches a grid), and within 2% of it."""
    inputs, ref = _castle("smoothness_sets", which)
    ours = sensitivity.smoothness_sets(*inputs, m=ref["m"], l_vec=ref["l_vec"]).table
    width = np.array(ref["ub"]) - np.array(ref["lb"])
    ratio = (ours["ci_high"] - ours["ci_low"]).to_numpy() / width
    assert np.all(ratio <= 1 + 1e-6), ratio
    _compare(ours, ref, 0.02)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_vertex_without_sampling_variation_is_decided_by_its_sign(medicaid):
    """At M̄ = 0 a pair of post-period rows cancels exactly; at θ̄ = θ̂ every vertex ties at zero and that pair's
    vertex is the optimum: the test decides it by its sign (accept) instead of dividing by a zero variance."""
    beta, cov, pre, post = medicaid
    problem = sensitivity._Problem(beta, cov, pre, post, None, 0.05, 0, 200)
    for piece in problem.pieces(0.0):
        y = sensitivity._moments(piece, beta, np.array([problem.theta_hat]), problem.w_full)
        assert sensitivity._accepts(piece, y, 0.05, problem.kappa)[0]
