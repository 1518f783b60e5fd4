"""Weights on the simplex (``w ≥ 0``, ``Σw = 1``) by least squares, optionally ridge-penalised: the solver behind
the synthetic control (:mod:`.synth`), its V-matrix search and synthetic difference-in-differences (:mod:`.sdid`)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize, nnls


def simplex_weights(y1: np.ndarray, Y0: np.ndarray, polish: bool = True, fast: bool = True) -> np.ndarray:
    """argmin ||y1 − Y0 w||² subject to w ≥ 0, Σw = 1.

    SLSQP (analytic gradient) from three starts — equal weights, the best single donor, and the non-negative
    least-squares solution with the sum-to-one constraint as a heavy penalty row — on data scaled by the largest
    value of *all* units; the best converged solution wins. A solver that stops without converging is never
    returned silently (SLSQP's "success" is checked): if no start converges, :class:`ValueError` says so.

    ``polish=False`` returns the penalised non-negative least-squares start alone (renormalised): exact up to the
    penalty's 1e-6 relative slack and much faster, for inner loops such as the V-matrix search. ``fast`` (default)
    first tries the exact optimum on that start's support (:func:`_on_support`: one linear solve, accepted only when
    the KKT conditions hold) and runs SLSQP only where it fails — the same optimum, in a fraction of the time."""
    if not (np.isfinite(y1).all() and np.isfinite(Y0).all()):
        raise ValueError("synthetic control: the treated unit or a donor has missing or infinite values to match")
    k = Y0.shape[1]
    scale = max(float(np.abs(y1).max()), float(np.abs(Y0).max()), 1e-12)
    a, A = y1 / scale, Y0 / scale
    AtA, Aty = A.T @ A, A.T @ a

    def f(w):
        r = A @ w - a
        return float(r @ r), 2 * (AtA @ w - Aty)

    heavy = 1e3 * max(1.0, float(np.abs(A).max()))
    w_nnls = nnls(np.vstack([A, np.full((1, k), heavy)]), np.append(a, heavy))[0]
    if not polish and w_nnls.sum() > 0:
        return w_nnls / w_nnls.sum()
    if (
        fast and w_nnls.sum() > 0
    ):  # the fast path: the exact optimum on the penalised solution's support, when KKT holds
        exact = _on_support(AtA, Aty, w_nnls / w_nnls.sum())
        if exact is not None:
            return exact
    starts = [
        np.full(k, 1.0 / k),
        np.eye(k)[int(np.argmin(((A - a[:, None]) ** 2).sum(axis=0)))],
        w_nnls / w_nnls.sum() if w_nnls.sum() > 0 else np.full(k, 1.0 / k),
    ]
    best, best_f = None, np.inf
    for w0 in starts:
        res = minimize(
            f,
            w0,
            jac=True,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * k,
            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(k)}],
            options={"ftol": 1e-14, "maxiter": 2000},
        )
        if not res.success:
            continue
        w = np.clip(res.x, 0.0, None)
        w /= w.sum()
        if f(w)[0] < best_f:
            best, best_f = w, f(w)[0]
    if best is None:
        raise ValueError(
            "synthetic control: the weight optimisation did not converge from any start; check the "
            "donors (constant or duplicated series) and the pre-treatment window"
        )
    return best


def _on_support(AtA: np.ndarray, Aty: np.ndarray, w: np.ndarray, tol: float = 1e-10) -> np.ndarray | None:
    """The exact minimiser of ``||A w − a||²`` over the simplex when ``w``'s support is the optimum's: the
    equality-constrained least squares on that support (one linear solve), accepted only if every weight stays
    positive and the KKT condition holds off the support (no excluded donor would lower the loss). The problem is
    convex, so a point meeting KKT is the global optimum; ``None`` sends the caller to the general solver."""
    S = np.flatnonzero(w > 1e-9)
    if len(S) == 0:
        return None
    n = len(S)
    K = np.zeros((n + 1, n + 1))
    K[:n, :n], K[:n, n], K[n, :n] = 2 * AtA[np.ix_(S, S)], 1.0, 1.0
    try:
        sol = np.linalg.solve(K, np.r_[2 * Aty[S], 1.0])
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(sol).all() or (sol[:n] <= 0).any():
        return None
    full = np.zeros(len(w))
    full[S] = sol[:n]
    grad = 2 * (AtA @ full - Aty)
    mu = -sol[n]  # the multiplier: on the support every gradient equals mu
    scale = max(1.0, float(np.abs(grad).max()))
    off = np.setdiff1d(np.arange(len(w)), S)
    if len(off) and (grad[off] < mu - tol * scale).any():
        return None
    return full


def ridge_simplex_weights(A: np.ndarray, b: np.ndarray, eta: float, intercept: bool = True) -> np.ndarray:
    """argmin ``||A w + w0 − b||² + eta·||w||²`` over the simplex, with a free intercept ``w0`` when ``intercept``
    (columns of ``A`` and ``b`` centred over rows): the unit and time weights of synthetic difference-in-differences
    (Arkhangelsky et al. 2021, eq. 2.2–2.3). The ridge term enters as ``√eta·I`` rows below ``A``."""
    A, b = np.asarray(A, float), np.asarray(b, float)
    if intercept:
        A, b = A - A.mean(axis=0), b - b.mean()
    k = A.shape[1]
    if eta > 0:
        A, b = np.vstack([A, np.sqrt(eta) * np.eye(k)]), np.concatenate([b, np.zeros(k)])
    return simplex_weights(b, A)
