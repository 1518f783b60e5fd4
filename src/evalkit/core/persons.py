"""Whole persons: splitting a number of people over groups without fractions or lost persons."""

from __future__ import annotations

import numpy as np


def whole_persons(total: np.ndarray, weights: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """Split whole-person ``total`` (``draws × years``) over kab/kota in proportion to ``weights`` (``draws ×
    kab/kota × years``), never above ``floor(ceiling)``: largest remainders get the leftover persons. Returns
    int64 ``draws × kab/kota × years`` summing to ``min(total, Σ floor(ceiling))``."""
    cap = np.floor(ceiling + 1e-9)
    total = np.minimum(np.round(total), cap.sum(axis=1))
    share = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    raw = np.minimum(share * total[:, None, :], cap)
    out = np.floor(raw + 1e-9)
    left = total - out.sum(axis=1)  # whole persons still to place, draws × years
    for _ in range(out.shape[1]):  # at most one extra person per kab/kota and pass
        if not (left > 0).any():
            break
        frac = np.where(out < cap, raw - out + 1e-12 * weights, -np.inf)
        order = np.argsort(-frac, axis=1)
        rank = np.argsort(order, axis=1)
        give = (rank < left[:, None, :]) & (out < cap)
        out += give
        left = total - out.sum(axis=1)
        raw = np.maximum(raw, out)
    return out.astype(np.int64)
