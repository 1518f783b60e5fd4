"""Estimators: evalkit against statsmodels, pyfixest and csdid on the same data in the same run.

* **TWFE, national panel** (514 kab/kota × 120 months, staggered adoption, CR1 clustered by kab/kota):
  ``evalkit.methods.did.twfe`` vs statsmodels OLS with unit and month dummies (``get_dummies``, QR solver,
  cluster covariance; building the dummies is timed too) and pyfixest ``feols("y ~ treat | unit + time", vcov={"CRV1": "unit"})``. The estimates
  must agree (printed); target ≥ 10× faster than OLS-with-dummies and ≤ 1.5× pyfixest's time.
* **Event study** on the same panel (event time −12…12 binned, reference −1) vs pyfixest with
  ``i(rel, ref=-1)``: ≤ 1.5× pyfixest.
* **Wild cluster bootstrap**, 9,999 draws, 10 clusters: evalkit's full test *and* CI by test inversion
  (what notebook 02 shows) must take < 1 s; the p-value alone is timed against pyfixest's
  ``wildboottest`` (the ``wildboottest`` package, same Webb weights, null imposed): ≤ 1.5×.
* **Callaway–Sant'Anna**, 500 units × 20 periods, three cohorts, multiplier bootstrap with 999 draws:
  evalkit vs csdid ``ATTgt`` (no covariates, bootstrap on); the simple ATT must agree.

pyfixest and csdid come with ``pip install -e ".[bench]"`` (``make bench`` installs them); without them
those comparisons are skipped and say so. Library timings are warm (first call, with JIT compilation,
done and discarded). Run: ``python benchmarks/estimators.py``; writes ``benchmarks/results/estimators.json``.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from common import Report, best_of


def national_panel(seed: int = 0, units: int = 514, months: int = 120) -> pd.DataFrame:
    """Unit and month effects, staggered adoption in three cohorts and a never-treated group, effect 1.5."""
    rng = np.random.default_rng(seed)
    u = np.repeat(np.arange(units), months)
    t = np.tile(np.arange(months), units)
    g = rng.choice([0, 40, 60, 80], units)[u]
    treat = ((g > 0) & (t >= g)).astype(float)
    y = rng.normal(0, 1, units)[u] + np.linspace(0, 3, months)[t] + 1.5 * treat + rng.normal(0, 1, units * months)
    return pd.DataFrame({"y": y, "unit": u, "time": t, "treat": treat, "first_treated": g})


def optional(name: str):
    try:
        return __import__(name)
    except ImportError:
        return None


def main() -> None:
    from evalkit.data.synthetic import simulate_staggered
    from evalkit.methods import did

    rep = Report("estimators", "python benchmarks/estimators.py")
    pf = optional("pyfixest")
    warnings.filterwarnings("ignore")

    # -- TWFE on the national panel ----------------------------------------------------------
    df = national_panel()
    ours = did.twfe(df, "y", "unit", "time", "treat", small_sample="all")
    t_ours = best_of(lambda: did.twfe(df, "y", "unit", "time", "treat", small_sample="all"), 5)
    import statsmodels.api as sm

    t0 = time.perf_counter()  # dummies built and fitted as a user would (QR: the default pinv takes about a minute)
    X = pd.get_dummies(df[["unit", "time"]].astype(str), drop_first=True, dtype=float)
    X.insert(0, "treat", df["treat"])
    ref = sm.OLS(df["y"], sm.add_constant(X)).fit(method="qr", cov_type="cluster", cov_kwds={"groups": df["unit"]})
    t_sm = time.perf_counter() - t0
    rep.note("twfe_seconds", {"evalkit": t_ours, "statsmodels_dummies": t_sm})
    rep.check(
        "TWFE 514x120: statsmodels OLS-dummies time / evalkit",
        t_sm / t_ours,
        10.0,
        better="higher",
        detail=f"evalkit {t_ours * 1e3:.0f} ms, statsmodels {t_sm:.1f} s; "
        f"|diff| beta {abs(ours.estimate - ref.params['treat']):.1e}, se {abs(ours.se - ref.bse['treat']):.1e}",
    )
    if pf is not None:
        fml = "y ~ treat | unit + time"
        pf.feols(fml, data=df, vcov={"CRV1": "unit"})  # JIT warm-up
        t_pf = best_of(lambda: pf.feols(fml, data=df, vcov={"CRV1": "unit"}), 5)
        fit = pf.feols(fml, data=df, vcov={"CRV1": "unit"})
        nested = did.twfe(df, "y", "unit", "time", "treat")
        rep.note("twfe_seconds", {"evalkit": t_ours, "statsmodels_dummies": t_sm, "pyfixest": t_pf})
        rep.check(
            "TWFE 514x120: evalkit time / pyfixest",
            t_ours / t_pf,
            1.5,
            detail=f"pyfixest {t_pf * 1e3:.0f} ms; |diff| beta {abs(nested.estimate - fit.coef()['treat']):.1e}, "
            f"se {abs(nested.se - fit.se()['treat']):.1e}",
        )

        # -- event study ---------------------------------------------------------------------
        es = lambda: did.event_study(df, "y", "unit", "time", "first_treated", window=(-12, 12))  # noqa: E731
        t_es = best_of(es, 5)
        ev = df.assign(rel=np.where(df["first_treated"] > 0, np.clip(df["time"] - df["first_treated"], -12, 12), -1))
        efml = "y ~ i(rel, ref=-1) | unit + time"
        pf.feols(efml, data=ev, vcov={"CRV1": "unit"})
        t_pfe = best_of(lambda: pf.feols(efml, data=ev, vcov={"CRV1": "unit"}), 5)
        mine = es().tidy().set_index("rel_time")["estimate"]
        theirs = pf.feols(efml, data=ev, vcov={"CRV1": "unit"}).coef()
        event = [int(float(name.split("::")[1].rstrip("]"))) for name in theirs.index]
        diff = float(np.max(np.abs(mine.reindex(event).to_numpy() - theirs.to_numpy())))
        agree = f"; max |diff| of {len(event)} coefficients {diff:.1e}"
        rep.check(
            "event study 514x120: evalkit time / pyfixest",
            t_es / t_pfe,
            1.5,
            detail=f"evalkit {t_es * 1e3:.0f} ms, pyfixest {t_pfe * 1e3:.0f} ms{agree}",
        )
    else:
        print("  pyfixest not installed (pip install -e '.[bench]'): pyfixest comparisons skipped")

    # -- wild cluster bootstrap, 10 clusters -------------------------------------------------------
    small = national_panel(seed=1, units=10, months=84)
    small["treat"] = ((small["unit"] < 5) & (small["time"] >= 54)).astype(float)
    small["y"] = small["y"] + 0.8 * small["treat"]
    full = lambda: did.twfe(small, "y", "unit", "time", "treat", inference="wild", B=9999, seed=1)  # noqa: E731
    t_wild = best_of(full, 3)
    w = full()
    rep.check(
        "wild bootstrap 9,999 draws, 10 clusters, p + CI (s)",
        t_wild,
        1.0,
        unit="s",
        detail=f"beta {w.estimate:.3f}, p {w.pvalue:.4f}, CI {w.ci_low:.3f}..{w.ci_high:.3f}",
    )
    from evalkit.methods.panel import codes, demean
    from evalkit.methods.wild import WildBootstrap

    def p_only() -> float:  # the same steps twfe takes, without the CI inversion
        u, _ = codes(small["unit"])
        t, _ = codes(small["time"])
        dm = demean(small[["y", "treat"]].to_numpy(float), [u, t])
        G, n = 10, len(small)
        adj = G / (G - 1) * (n - 1) / (n - 1 - 84)
        return WildBootstrap(dm[:, 0], dm[:, 1], u, None, adj, B=9999, seed=1).pvalue(0.0)

    t_p = best_of(p_only, 5)
    if pf is not None and optional("wildboottest") is not None:
        fit = pf.feols("y ~ treat | unit + time", data=small, vcov={"CRV1": "unit"})
        boot = lambda: fit.wildboottest(reps=9999, param="treat", weights_type="webb", seed=1)  # noqa: E731
        boot()
        t_wb = best_of(boot, 3)
        p_wb = float(boot()["Pr(>|t|)"])
        rep.check(
            "wild bootstrap p-value: evalkit time / pyfixest",
            t_p / t_wb,
            1.5,
            detail=f"evalkit {t_p * 1e3:.1f} ms p={p_only():.4f}; pyfixest {t_wb * 1e3:.1f} ms p={p_wb:.4f}",
        )
    rep.note("wild_seconds", {"evalkit_p_and_ci": t_wild, "evalkit_p": t_p})

    # -- Callaway-Sant'Anna, 500 units x 20 periods -------------------------------------------------
    cs_df, truth = simulate_staggered(seed=3, n_units=500, n_periods=20, cohort_size=100)
    cs = lambda: did.callaway_santanna(cs_df, "y", "unit", "time", "first_treated", bootstrap=999, seed=1).att  # noqa: E731
    t_cs = best_of(cs, 3)
    att = cs()
    detail = f"evalkit {t_cs:.2f} s, simple ATT {att.estimate:.3f} (se {att.se:.3f}; truth {truth['att_simple']:.3f})"
    csdid = optional("csdid")
    if csdid is not None:
        from csdid.att_gt import ATTgt

        def theirs():
            m = ATTgt(
                yname="y",
                tname="time",
                idname="unit",
                gname="first_treated",
                data=cs_df,
                control_group=["nevertreated"],
                biters=999,
            ).fit(est_method="reg", bstrap=True)
            return m.aggte(typec="simple")

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import contextlib
            import io

            with contextlib.redirect_stdout(io.StringIO()):
                t_csd = best_of(theirs, 1)
                agg = theirs()
        ref = float(agg.atte["overall_att"]) if hasattr(agg, "atte") else float("nan")
        rep.check(
            "Callaway-Sant'Anna 500x20 + bootstrap: evalkit / csdid",
            t_cs / t_csd,
            None,
            detail=f"{detail}; csdid {t_csd:.2f} s, ATT {ref:.3f} (|diff| {abs(att.estimate - ref):.1e})",
        )
    else:
        rep.check("Callaway-Sant'Anna 500x20 + bootstrap (s)", t_cs, None, unit="s", detail=detail)
    rep.note("cs_seconds", t_cs)
    rep.write()


if __name__ == "__main__":
    main()
