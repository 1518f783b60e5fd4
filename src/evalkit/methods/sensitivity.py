"""Sensitivity to parallel trends, and the smallest effect a design can detect.

A pre-trend test that does not reject is weak evidence: with one treated province and a few pre-period months it
has little power, and conditioning on passing it distorts what follows (Roth 2022). Instead of a verdict this
module reports how far the conclusion survives violations of parallel trends.

**Relative magnitudes** (Rambachan & Roth 2023, "A more credible approach to parallel trends", *Review of
Economic Studies* 90(5)): after the start, the period-to-period change in the trend difference ``δ`` is at most
``M̄`` times the largest such change before it, ``Δ^RM(M̄) = {δ : |δ_{t+1} − δ_t| ≤ M̄ · max_{s<0} |δ_{s+1} − δ_s|
for t ≥ 0}`` (``δ = 0`` at the reference period). :func:`relative_magnitude_sets` gives the robust confidence set
for ``θ = l'τ_post`` at each ``M̄`` by the **conditional / least-favourable hybrid** test of Andrews, Roth & Pakes
(2023), "Inference for linear conditional moment inequalities", *Review of Economic Studies* 90(6) — the method
the reference package HonestDiD uses by default (``C-LF``), with the estimation error of the pre-period changes
accounted for. ``Δ^RM`` is the union over which pre-period change ``s`` is the largest and its sign; a ``θ̄`` is in
the set when the test accepts it for one of these pieces. For each piece, with ``A`` its inequalities
``A δ ≤ 0`` and ``β̂ ~ N(β, Σ)``:

1. Under ``H0: θ = θ̄`` the moments are ``Y = A(β̂ − (0, θ̄ w)) − A_post N γ`` (``l'w = 1``, ``N`` spans the
   post-period effects with ``l'τ = 0``: the nuisance ``γ``); ``η̂ = min_{η,γ} η`` s.t. ``Y_i − (A_post N γ)_i ≤
   η σ_i``, ``σ_i = sd(Y_i)``. By duality ``η̂ = max_{ν ∈ V} ν'Y`` over the vertices ``V`` of ``{ν ≥ 0, ν'σ = 1,
   ν'A_post N = 0}``. With more than one post period only the inequalities that involve post-period coefficients
   are tested (HonestDiD's ``postPeriodMomentsOnly``); they come in pairs ``±(δ_{t} − δ_{t−1}) ≤ M̄ g_s`` and the
   vertex set is small and known in closed form (:func:`_rm_vertices`): one vertex per post period (both rows of
   the pair) and two that weight the pairs by ``h = D^{-T} l`` (``D`` the first-difference matrix). No linear
   program is solved, so the whole grid of ``θ̄`` is tested at once.
2. **First stage** (least favourable, size ``κ = α/10``): reject when ``η̂`` exceeds the ``1 − κ`` quantile of
   ``max_{ν∈V} ν'ξ``, ``ξ ~ N(0, AΣA')`` (simulated, :data:`LF_SIMULATIONS` draws).
3. **Second stage** (conditional): given the optimal vertex ``ν*``, ``η̂`` is normal with variance ``ν*'Σ_Y ν*``
   truncated to ``[v_lo, min(v_up, c_LF)]``, the values of ``η̂`` at which ``ν*`` stays optimal when ``Y`` moves
   along ``Σ_Y ν*``; reject when ``η̂`` exceeds ``max(0, c)``, ``c`` the ``1 − (α − κ)/(1 − κ)`` quantile of that
   truncated normal with mean 0.

Measured against the reference: the Medicaid-expansion example of the HonestDiD README (5 pre- and 2 post-period
coefficients) is reproduced to within 2% of the package's set widths at ``M̄ = 0.5 … 2``, and a second example
against HonestDiD's Stata twin (``tests/test_references.py``). The **breakdown** ``M̄``
(:func:`relative_magnitude_breakdown`) is the smallest ``M̄`` whose set contains zero: the conclusion survives
violations up to just below it.

**Smoothness** (``Δ^SD(M) = {δ : |(δ_{t+1} − δ_t) − (δ_t − δ_{t−1})| ≤ M}``: the trend difference may bend by at
most ``M`` per period, a linear pre-trend extrapolated exactly at ``M = 0``): :func:`smoothness_sets` gives the
**fixed-length confidence interval** (FLCI, Armstrong & Kolesár; HonestDiD's default for ``Δ^SD``). The estimator is
``w'β̂`` with ``w = (v, l)``: ``v`` weights the pre-period coefficients to remove the trend (``w`` orthogonal to a
linear trend, else the bias is unbounded); its worst-case bias over ``Δ^SD(M)`` is ``M ‖G w‖₁`` (``G`` maps the
weights onto the second differences of the path) and its half-length ``sd(w) · cv_α(bias / sd(w))``, ``cv_α(b)``
the ``1 − α`` quantile of ``|N(b, 1)|``. For a bias budget the smallest variance is a small quadratic programme; the
half-length is then minimised over the budget. The Medicaid example's FLCIs match the README's within 0.3%.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "relative_magnitude_sets",
    "relative_magnitude_breakdown",
    "smoothness_sets",
    "RobustSets",
    "normal_mde",
    "LF_SIMULATIONS",
]

#: draws for the least-favourable critical value of each piece (HonestDiD: 1000)
LF_SIMULATIONS = 10_000
#: points of the first grid of θ̄ per set; the end points are then refined by bisection
GRID_POINTS = 400
_TOL = 1e-10


@dataclass(frozen=True)
class _Piece:
    """One polyhedron of ``Δ^RM``: pre-period change ``s`` is the largest, with ``sign``. ``A`` the tested
    inequalities over the coefficients (pre then post, reference dropped), ``vertices`` the dual vertices."""

    A: np.ndarray
    vertices: np.ndarray
    sigma_y: np.ndarray
    lf_cv: float


def _rm_rows(num_pre: int, num_post: int, mbar: float, s: int, positive: bool) -> tuple[np.ndarray, np.ndarray]:
    """The inequalities of ``Δ^RM_{s,±}(M̄)`` as ``(plus, minus)`` row blocks over ``(δ_pre, δ_post)``.

    Changes are indexed ``j = 0 … num_pre + num_post − 1`` over the path with the reference period (δ = 0) between
    the pre and post blocks; pre change ``s`` (``0 ≤ s < num_pre``) is the largest, times ``sign``. Row ``j`` of
    ``plus`` is ``(δ_{j+1} − δ_j) − bound_j · sign (δ_{s+1} − δ_s) ≤ 0`` with ``bound_j`` 1 before the start and
    ``M̄`` after; ``minus`` the same with ``−(δ_{j+1} − δ_j)``."""
    n = num_pre + num_post
    diff = np.zeros((n, n + 1))
    diff[np.arange(n), np.arange(n)] = -1.0
    diff[np.arange(n), np.arange(n) + 1] = 1.0
    largest = diff[s] * (1.0 if positive else -1.0)
    bound = np.where(np.arange(n) < num_pre, 1.0, mbar)[:, None] * largest
    plus, minus = diff - bound, -diff - bound
    ref = num_pre  # the reference period's column (δ = 0)
    return np.delete(plus, ref, axis=1), np.delete(minus, ref, axis=1)


def _post_differences(num_post: int) -> np.ndarray:
    """``D``: the post-period changes ``δ_t − δ_{t−1}`` (``δ_0`` the reference, 0) from the post coefficients."""
    return np.eye(num_post) - np.eye(num_post, k=-1)


def _rm_vertices(num_post: int, l_vec: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The dual vertices for the post-period rows ``[plus_post; minus_post]`` (2·num_post rows, ``sd`` their sds).

    ``ν'A_post N = 0`` means the plus-minus weight of each post change is proportional to ``h = D^{-T} l``; the
    vertices are one per change (both rows, weight ``1/(σ_+ + σ_−)``: the nuisance cancels), and ``±h`` split by
    sign onto the plus or minus rows, normalised to ``ν'σ = 1``."""
    h = np.linalg.solve(_post_differences(num_post).T, l_vec)
    sd_plus, sd_minus = sd[:num_post], sd[num_post:]
    rows = []
    for t in range(num_post):
        v = np.zeros(2 * num_post)
        v[t] = v[num_post + t] = 1.0 / (sd_plus[t] + sd_minus[t])
        rows.append(v)
    for direction in (1.0, -1.0):
        w = direction * h
        v = np.concatenate([np.where(w > 0, w, 0.0), np.where(w < 0, -w, 0.0)])
        if v @ sd > _TOL:
            rows.append(v / (v @ sd))
    return np.vstack(rows)


def _pieces(
    sigma: np.ndarray, num_pre: int, num_post: int, mbar: float, l_vec: np.ndarray, kappa: float, normals: np.ndarray
) -> list[_Piece]:
    """Every ``(s, sign)`` piece of ``Δ^RM(M̄)`` with its tested rows, vertices and least-favourable value."""
    out = []
    for s in range(num_pre):
        for positive in (True, False):
            plus, minus = _rm_rows(num_pre, num_post, mbar, s, positive)
            if num_post > 1:  # only the rows that involve post-period coefficients are tested
                A = np.vstack([plus[num_pre:], minus[num_pre:]])
            else:
                A = np.vstack([plus, minus])
                A = A[np.abs(A).sum(axis=1) > _TOL]
            sigma_y = A @ sigma @ A.T
            sd = np.sqrt(np.clip(np.diag(sigma_y), 0.0, None))
            if np.any(sd <= _TOL):
                continue  # a row with no sampling variation: the piece cannot be tested (measure zero)
            if num_post > 1:
                vertices = _rm_vertices(num_post, l_vec, sd)
            else:
                vertices = np.diag(1.0 / sd)
            xi = normals[:, : len(sd)] @ _root(sigma_y).T
            lf_cv = float(np.quantile((xi @ vertices.T).max(axis=1), 1.0 - kappa))
            out.append(_Piece(A, vertices, sigma_y, lf_cv))
    return out


def _root(cov: np.ndarray) -> np.ndarray:
    """A square root ``R`` with ``R R' = cov`` for a positive semi-definite ``cov``."""
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    return vecs * np.sqrt(np.clip(vals, 0.0, None))


def _truncated_normal_quantile(p: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The ``p`` quantile of a standard normal truncated to ``[lo, hi]`` (stable in either tail)."""
    out = np.full(lo.shape, np.nan)
    upper = lo > 0  # work in the upper tail with survival functions, the lower tail with the cdf
    sf_lo, sf_hi = stats.norm.logsf(lo[upper]), stats.norm.logsf(hi[upper])
    # P(X > x) = (1 − p) sf(lo) + p sf(hi), in logs: deep in the tail the probabilities underflow
    log_sf = np.logaddexp(np.log1p(-p) + sf_lo, np.log(p) + sf_hi)
    out[upper] = stats.norm.isf(np.exp(log_sf))
    lower = ~upper
    cdf_lo, cdf_hi = stats.norm.cdf(lo[lower]), stats.norm.cdf(hi[lower])
    out[lower] = stats.norm.ppf(cdf_lo + p * (cdf_hi - cdf_lo))
    out = np.where(np.isnan(out), lo, out)  # an underflowed tail: the quantile sits at the lower end
    return np.clip(out, lo, hi)


def _accepts(piece: _Piece, y: np.ndarray, alpha: float, kappa: float) -> np.ndarray:
    """The conditional/least-favourable hybrid test of one piece at every row of ``y`` (θ̄ values × moments):
    True where ``θ̄`` is not rejected."""
    values = y @ piece.vertices.T
    best = values.argmax(axis=1)
    eta = values[np.arange(len(y)), best]
    nu = piece.vertices[best]
    sig_nu = nu @ piece.sigma_y
    var_b = np.einsum("ij,ij->i", sig_nu, nu)
    # a vertex whose value has no sampling variation (a pair of rows that cancel, at M̄ = 0): its η̂ is known
    # exactly, and the test rejects when it is positive (as HonestDiD does)
    degenerate = var_b <= _TOL**2
    with np.errstate(divide="ignore", invalid="ignore"):
        b = sig_nu / var_b[:, None]
        s = y - b * eta[:, None]
        num = s @ piece.vertices.T
        den = 1.0 - b @ piece.vertices.T
        ratio = num / den
        v_lo = np.where(den > _TOL, ratio, -np.inf).max(axis=1)
        v_up = np.minimum(np.where(den < -_TOL, ratio, np.inf).min(axis=1), piece.lf_cv)
        sd_b = np.sqrt(var_b)
        z, z_lo, z_up = eta / sd_b, v_lo / sd_b, v_up / sd_b
    inside = ~degenerate & (z_lo - 1e-9 <= z) & (z <= z_up + 1e-9) & (z_lo < z_up)
    level = (alpha - kappa) / (1.0 - kappa)
    crit = np.full(len(y), np.inf)
    if inside.any():
        crit[inside] = np.maximum(0.0, _truncated_normal_quantile(1.0 - level, z_lo[inside], z_up[inside]))
    reject = (eta > piece.lf_cv) | (inside & (z > crit)) | (degenerate & (eta > _TOL))
    return ~reject


def _moments(piece: _Piece, betahat: np.ndarray, theta: np.ndarray, w_full: np.ndarray) -> np.ndarray:
    """The piece's moments ``A(β̂ − θ̄ (0, w))`` at every ``θ̄``."""
    return (piece.A @ betahat)[None, :] - np.outer(theta, piece.A @ w_full)


@dataclass(frozen=True)
class RobustSets:
    """Robust confidence sets at level ``1 − alpha`` by the size of the allowed violation (``table``: the bound
    column — ``mbar`` for relative magnitudes, ``m`` for smoothness — then ``ci_low``, ``ci_high``,
    ``excludes_zero``); ``method``: ``C-LF`` or ``FLCI``."""

    table: pd.DataFrame
    alpha: float
    method: str

    @property
    def level(self) -> float:
        return 1.0 - self.alpha


class _Problem:
    """The data of one sensitivity analysis: ``β̂`` (pre then post, reference dropped), ``Σ``, ``l``."""

    def __init__(
        self,
        betahat,
        sigma,
        num_pre: int,
        num_post: int,
        l_vec,
        alpha: float,
        seed: int = 0,
        sims: int = LF_SIMULATIONS,
    ):
        self.betahat = np.asarray(betahat, float).ravel()
        self.sigma = np.asarray(sigma, float)
        n = num_pre + num_post
        if num_pre < 1 or num_post < 1 or self.betahat.shape != (n,) or self.sigma.shape != (n, n):
            raise ValueError(
                f"betahat must have num_pre + num_post = {n} entries and sigma be {n} x {n} "
                f"(got {self.betahat.shape} and {self.sigma.shape})"
            )
        if not (np.all(np.isfinite(self.betahat)) and np.all(np.isfinite(self.sigma))):
            raise ValueError("betahat and sigma must be finite")
        if not 0 < alpha < 0.5:
            raise ValueError(f"alpha must lie in (0, 0.5), got {alpha}")
        self.num_pre, self.num_post, self.alpha = num_pre, num_post, alpha
        self.l_vec = np.zeros(num_post) if l_vec is None else np.asarray(l_vec, float).ravel()
        if l_vec is None:
            self.l_vec[0] = 1.0
        if self.l_vec.shape != (num_post,) or not np.any(self.l_vec):
            raise ValueError(f"l_vec must have num_post = {num_post} entries, not all zero")
        self.kappa = alpha / 10
        w = self.l_vec / (self.l_vec @ self.l_vec)
        self.w_full = np.concatenate([np.zeros(num_pre), w])
        post = slice(num_pre, n)
        self.theta_hat = float(self.l_vec @ self.betahat[post])
        self.sd_theta = float(np.sqrt(self.l_vec @ self.sigma[post, post] @ self.l_vec))
        path = np.concatenate([self.betahat[:num_pre], [0.0]])
        self.max_pre_change = float(np.max(np.abs(np.diff(path)))) if num_pre > 1 else abs(path[0])
        self.seed, self.sims = seed, sims

    @functools.cached_property
    def normals(self) -> np.ndarray:
        """Common random numbers for the least-favourable values: the same draws for every piece and every M̄
        (drawn only when a relative-magnitude test needs them)."""
        n = self.num_pre + self.num_post
        return np.random.default_rng(self.seed).standard_normal((self.sims, 2 * n))

    def pieces(self, mbar: float) -> list[_Piece]:
        return _pieces(self.sigma, self.num_pre, self.num_post, mbar, self.l_vec, self.kappa, self.normals)

    def accepts(self, pieces: list[_Piece], theta: np.ndarray) -> np.ndarray:
        ok = np.zeros(len(theta), bool)
        for piece in pieces:
            ok |= _accepts(piece, _moments(piece, self.betahat, theta, self.w_full), self.alpha, self.kappa)
        return ok

    def confidence_set(self, mbar: float, points: int = GRID_POINTS) -> tuple[float, float]:
        """The set's end points at ``M̄`` (NaN, NaN when empty; ±inf when it reaches past 100× the grid)."""
        pieces = self.pieces(mbar)
        if not pieces:
            return float("nan"), float("nan")
        steps = np.arange(1, self.num_post + 1)
        half = mbar * float(steps @ np.abs(self.l_vec)) * self.max_pre_change + 20 * self.sd_theta
        for _ in range(3):
            grid = np.linspace(self.theta_hat - half, self.theta_hat + half, points)
            ok = self.accepts(pieces, grid)
            if not ok.any():
                return float("nan"), float("nan")
            if not (ok[0] or ok[-1]):
                break
            half *= 10
        else:
            return (-np.inf if ok[0] else float(grid[ok][0])), (np.inf if ok[-1] else float(grid[ok][-1]))
        first, last = np.flatnonzero(ok)[[0, -1]]
        lo = self._edge(pieces, grid[first - 1], grid[first])
        hi = self._edge(pieces, grid[last + 1], grid[last])
        return lo, hi

    def _edge(self, pieces: list[_Piece], rejected: float, accepted: float, iterations: int = 40) -> float:
        """Bisection between a rejected and an accepted ``θ̄``: the set's end point."""
        for _ in range(iterations):
            mid = 0.5 * (rejected + accepted)
            if self.accepts(pieces, np.array([mid]))[0]:
                accepted = mid
            else:
                rejected = mid
            if abs(accepted - rejected) <= 1e-9 * max(1.0, self.sd_theta):
                break
        return float(accepted)


def relative_magnitude_sets(
    betahat,
    sigma,
    num_pre: int,
    num_post: int,
    mbar=(0.0, 0.5, 1.0, 1.5, 2.0),
    l_vec=None,
    alpha: float = 0.05,
    seed: int = 0,
    sims: int = LF_SIMULATIONS,
) -> RobustSets:
    """C-LF robust confidence sets for ``θ = l'τ_post`` under ``Δ^RM(M̄)`` for each ``M̄`` in ``mbar``.

    ``betahat``: the event-study coefficients, ``num_pre`` pre-period ones (earliest first, the reference period
    left out) then ``num_post`` post-period ones; ``sigma``: their covariance; ``l_vec``: the weights of the
    parameter (default the first post period; ``np.full(k, 1/k)`` for the mean of ``k``). ``seed`` fixes the
    least-favourable simulation, so the same inputs give the same sets."""
    problem = _Problem(betahat, sigma, num_pre, num_post, l_vec, alpha, seed, sims)
    rows = []
    for m in mbar:
        if not (np.isfinite(m) and m >= 0):
            raise ValueError(f"Mbar must be finite and non-negative, got {m}")
        lo, hi = problem.confidence_set(float(m))
        rows.append({"mbar": float(m), "ci_low": lo, "ci_high": hi, "excludes_zero": bool(lo > 0 or hi < 0)})
    return RobustSets(pd.DataFrame(rows), alpha, "C-LF")


def relative_magnitude_breakdown(
    betahat,
    sigma,
    num_pre: int,
    num_post: int,
    l_vec=None,
    alpha: float = 0.05,
    seed: int = 0,
    sims: int = LF_SIMULATIONS,
    mbar_max: float = 10.0,
    tolerance: float = 0.01,
) -> float:
    """The breakdown ``M̄``: the smallest ``M̄`` whose C-LF set contains zero (to ``tolerance``); 0 when the set
    at ``M̄ = 0`` already does, ``inf`` when none up to ``mbar_max`` does."""
    problem = _Problem(betahat, sigma, num_pre, num_post, l_vec, alpha, seed, sims)
    zero = np.array([0.0])

    def contains_zero(m: float) -> bool:
        return bool(problem.accepts(problem.pieces(m), zero)[0])

    if contains_zero(0.0):
        return 0.0
    grid = np.arange(0.25, mbar_max + 1e-9, 0.25)
    lo = 0.0
    for m in grid:
        if contains_zero(float(m)):
            hi = float(m)
            break
        lo = float(m)
    else:
        return float("inf")
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        if contains_zero(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _second_difference_basis(num_pre: int, num_post: int) -> np.ndarray:
    """``B``: the coefficients (pre then post, reference left out) of the path with ``δ = 0`` at the reference,
    slope ``δ_1 − δ_0`` (column 0) and second differences at the interior periods (columns 1 …)."""
    n = num_pre + num_post + 1
    ref = num_pre
    basis = np.zeros((n, n - 1))
    for j in range(n - 1):
        x = np.zeros(n - 1)
        x[j] = 1.0
        slope, second = x[0], x[1:]  # second[i] is the second difference at path index i + 1
        path = np.zeros(n)
        path[ref + 1] = slope
        for i in range(ref + 1, n - 1):  # forwards: δ_{t+1} = 2δ_t − δ_{t−1} + Δ²_t
            path[i + 1] = 2 * path[i] - path[i - 1] + second[i - 1]
        for i in range(ref, 0, -1):  # backwards: δ_{t−1} = 2δ_t − δ_{t+1} + Δ²_t
            path[i - 1] = 2 * path[i] - path[i + 1] + second[i - 1]
        basis[:, j] = path
    return np.delete(basis, ref, axis=0)


def _folded_normal_quantile(bias: float, alpha: float) -> float:
    """The ``1 − alpha`` quantile of ``|N(bias, 1)|``."""
    b = abs(bias)
    return float(optimize.brentq(lambda c: stats.norm.cdf(c - b) - stats.norm.cdf(-c - b) - (1 - alpha), 0, b + 10))


def _flci(problem: _Problem, m: float) -> tuple[float, float]:
    """The FLCI at smoothness ``m``: ``w'β̂ ± half-length`` with ``w = (v, l)`` minimising the half-length."""
    num_pre, num_post = problem.num_pre, problem.num_post
    times = np.r_[np.arange(-num_pre, 0), np.arange(1, num_post + 1)].astype(float)
    t_pre = times[:num_pre]
    v0 = -t_pre * (problem.l_vec @ times[num_pre:]) / (t_pre @ t_pre)  # w orthogonal to a linear trend
    null = np.linalg.svd(t_pre[None, :])[2][1:].T  # the other pre-period weights keep it so
    k = null.shape[1]
    w0, wz = np.r_[v0, problem.l_vec], np.vstack([null, np.zeros((num_post, k))])
    basis = _second_difference_basis(num_pre, num_post)
    g0, gz = (w0 @ basis)[1:], (wz.T @ basis)[:, 1:].T  # second-difference weights g = g0 + gz z
    nd = len(g0)
    Q, q, c = wz.T @ problem.sigma @ wz, wz.T @ problem.sigma @ w0, float(w0 @ problem.sigma @ w0)

    def variance(x: np.ndarray) -> float:
        z = x[:k]
        return float(z @ Q @ z + 2 * q @ z + c)

    def gradient(x: np.ndarray) -> np.ndarray:
        return np.r_[2 * Q @ x[:k] + 2 * q, np.zeros(nd)]

    z_free = np.linalg.lstsq(Q, -q, rcond=None)[0] if k else np.zeros(0)
    g_free = g0 + gz @ z_free
    budget_max = float(np.abs(g_free).sum())

    upper, lower = np.hstack([-gz, np.eye(nd)]), np.hstack([gz, np.eye(nd)])  # u − g ≥ 0, u + g ≥ 0
    total = -np.r_[np.zeros(k), np.ones(nd)][None, :]  # budget − Σu ≥ 0

    def least_variance(budget: float) -> np.ndarray:
        """``min var(w'β̂)`` s.t. ``‖g‖₁ ≤ budget``, with ``u ≥ |g|``: variables ``(z, u)``."""
        if budget >= budget_max:
            return np.r_[z_free, np.abs(g_free)]
        cons = [
            {"type": "ineq", "fun": lambda x: x[k:] - g0 - gz @ x[:k], "jac": lambda x: upper},
            {"type": "ineq", "fun": lambda x: x[k:] + g0 + gz @ x[:k], "jac": lambda x: lower},
            {"type": "ineq", "fun": lambda x: np.array([budget - x[k:].sum()]), "jac": lambda x: total},
        ]
        start = np.r_[z_free, np.abs(g_free) * budget / budget_max]
        res = optimize.minimize(
            variance, start, jac=gradient, constraints=cons, method="SLSQP", options={"ftol": 1e-12, "maxiter": 500}
        )
        return res.x

    def half_length(budget: float) -> tuple[float, np.ndarray]:
        x = least_variance(budget)
        sd = np.sqrt(max(variance(x), 0.0))
        bias = m * float(np.abs(g0 + gz @ x[:k]).sum())
        return (sd * _folded_normal_quantile(bias / sd, problem.alpha) if sd > 0 else bias), x

    if m == 0 or budget_max == 0:
        best, x = half_length(budget_max)
    else:
        grid = np.linspace(0.0, budget_max, 13)
        lengths = [half_length(b)[0] for b in grid]
        i = int(np.argmin(lengths))
        found = optimize.minimize_scalar(
            lambda b: half_length(b)[0],
            bounds=(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]),
            method="bounded",
            options={"xatol": budget_max * 1e-6},
        )
        best, x = half_length(float(found.x))
    estimate = float((w0 + wz @ x[:k]) @ problem.betahat)
    return estimate - best, estimate + best


def smoothness_sets(
    betahat, sigma, num_pre: int, num_post: int, m=(0.0, 0.01, 0.02, 0.03), l_vec=None, alpha: float = 0.05
) -> RobustSets:
    """FLCI robust confidence sets for ``θ = l'τ_post`` under ``Δ^SD(M)`` for each ``M`` in ``m`` (in the outcome's
    unit per period squared). Inputs as :func:`relative_magnitude_sets`; needs at least one pre-period coefficient."""
    problem = _Problem(betahat, sigma, num_pre, num_post, l_vec, alpha)
    rows = []
    for bound in m:
        if not (np.isfinite(bound) and bound >= 0):
            raise ValueError(f"M must be finite and non-negative, got {bound}")
        lo, hi = _flci(problem, float(bound))
        rows.append({"m": float(bound), "ci_low": lo, "ci_high": hi, "excludes_zero": bool(lo > 0 or hi < 0)})
    return RobustSets(pd.DataFrame(rows), alpha, "FLCI")


def normal_mde(se: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Minimum detectable effect of a two-sided test with a normal statistic: ``(z_{1−α/2} + z_power) · se``
    (Bloom 1995); 2.80 · se at 5% and 80% power."""
    return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se)
