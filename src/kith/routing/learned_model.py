"""The learned router's weights: a multinomial logistic model over hashed columns, kept sparse.

Only the columns that training (or a later correction) touched have weights — an L2-regularised model
never moves a column it has not seen — so the archive stores their indices and a dense block for them,
a few MB at most instead of 2^20 columns times departments. The archive is a plain ``.npz`` (``np.savez_compressed``)
read with ``allow_pickle=False``: a weight file from the database can never run code.

``learn`` is the incremental update used between full retrains: a few softmax-gradient steps on one
corrected sample, stopping as soon as the model ranks the corrected department first. It is cheap (one
sample, only that sample's columns change) so it runs inside the request that re-routes a conversation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kith.routing.learned_features import N_ROUTER_FEATURES

FORMAT = "kith-router-1"
LEARN_RATE = 1.0  # each step moves the corrected department's margin by about rate * |x|^2 * (1 - p)
LEARN_MAX_STEPS = 5
NEW_CLASS_OFFSET = 2.0  # a department the model never saw starts this far below the lowest intercept


class WeightsError(ValueError):
    """A weight archive Kith cannot read (not one of its own, or damaged)."""


@dataclass(frozen=True)
class RouterWeights:
    classes: tuple[str, ...]  # department slugs, the columns of ``coef``
    columns: np.ndarray  # (m,) int64, sorted: the hashed feature columns that carry weight
    coef: np.ndarray  # (m, k) float32
    intercept: np.ndarray  # (k,) float64

    @classmethod
    def from_dense(
        cls, classes: Sequence[str], columns: np.ndarray, coef: np.ndarray, intercept: np.ndarray
    ) -> RouterWeights:
        """From scikit-learn's ``coef_`` (k, m) / ``intercept_`` (k,) over ``columns``; binary models
        (one row) become two softmax rows ``[0, w]``, which give the same probabilities."""
        coef = np.asarray(coef, dtype=np.float64)
        intercept = np.asarray(intercept, dtype=np.float64)
        if coef.shape[0] == 1 and len(classes) == 2:
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.array([0.0, float(intercept[0])])
        keep = np.flatnonzero(np.any(coef != 0, axis=0))
        order = np.argsort(columns[keep], kind="stable")
        keep = keep[order]
        return cls(
            tuple(classes),
            np.asarray(columns, dtype=np.int64)[keep],
            np.ascontiguousarray(coef[:, keep].T, dtype=np.float32),
            intercept,
        )

    # ---- scoring -----------------------------------------------------------------------------------

    def _local(self, x: sparse.csr_matrix) -> sparse.csr_matrix:
        """``x`` restricted to (and re-indexed by) this model's columns: (n, m)."""
        x = sparse.csr_matrix(x)
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        if not len(self.columns):
            return sparse.csr_matrix((x.shape[0], 0))
        pos = np.minimum(np.searchsorted(self.columns, x.indices), len(self.columns) - 1)
        known = self.columns[pos] == x.indices
        return sparse.csr_matrix((x.data[known], (rows[known], pos[known])), shape=(x.shape[0], len(self.columns)))

    def logits(self, x: sparse.csr_matrix) -> np.ndarray:
        local = self._local(x)
        return np.asarray(local @ self.coef.astype(np.float64) + self.intercept, dtype=np.float64)

    def probabilities(self, x: sparse.csr_matrix) -> np.ndarray:
        return softmax(self.logits(x))

    def scored(self, x: sparse.csr_matrix, chosen: np.ndarray) -> sparse.csr_matrix:
        """``x`` with each entry times its column's weight for the row's ``chosen`` class, relative to the
        mean over classes (a softmax model is unchanged by shifting a column, so the centred weight is the
        part that tells departments apart)."""
        x = sparse.csr_matrix(x, copy=True)
        local = self._local(x)
        centred = self.coef - self.coef.mean(axis=1, keepdims=True)
        rows = np.repeat(np.arange(local.shape[0]), np.diff(local.indptr))
        values = local.data * centred[local.indices, chosen[rows]]
        back = self.columns[local.indices] if len(self.columns) else local.indices
        return sparse.csr_matrix((values, (rows, back)), shape=(x.shape[0], N_ROUTER_FEATURES))

    # ---- incremental learning ----------------------------------------------------------------------

    def with_class(self, department: str) -> RouterWeights:
        if department in self.classes:
            return self
        low = float(self.intercept.min()) if len(self.intercept) else 0.0
        return RouterWeights(
            (*self.classes, department),
            self.columns,
            np.hstack([self.coef, np.zeros((len(self.columns), 1), dtype=np.float32)]),
            np.append(self.intercept, low - NEW_CLASS_OFFSET),
        )

    def with_columns(self, columns: np.ndarray) -> RouterWeights:
        new = np.setdiff1d(columns, self.columns)
        if not len(new):
            return self
        merged = np.concatenate([self.columns, new])
        order = np.argsort(merged, kind="stable")
        coef = np.vstack([self.coef, np.zeros((len(new), len(self.classes)), dtype=np.float32)])[order]
        return RouterWeights(self.classes, merged[order], coef, self.intercept.copy())

    def learn(self, x: sparse.csr_matrix, department: str) -> tuple[RouterWeights, int]:
        """A model that ranks ``department`` higher for the single row ``x``, and the steps it took."""
        x = sparse.csr_matrix(x)
        model = self.with_class(department).with_columns(np.unique(x.indices))
        target = model.classes.index(department)
        coef = model.coef.astype(np.float64)
        intercept = model.intercept.copy()
        local = model._local(x)
        idx, val = local.indices, local.data
        steps = 0
        while steps < LEARN_MAX_STEPS:
            p = softmax((val @ coef[idx] + intercept)[None, :])[0]
            if steps > 0 and int(np.argmax(p)) == target:
                break
            steps += 1
            gradient = p.copy()
            gradient[target] -= 1.0
            coef[idx] -= LEARN_RATE * np.outer(val, gradient)
            intercept -= LEARN_RATE * gradient * 0.1  # the bias moves slowly: one sample is not a base rate
        return RouterWeights(model.classes, model.columns, coef.astype(np.float32), intercept), steps

    # ---- archive -----------------------------------------------------------------------------------

    def to_npz(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            format=np.array(FORMAT),
            classes=np.array(self.classes, dtype=np.str_),
            columns=self.columns.astype(np.int64),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float64),
        )
        return buffer.getvalue()

    @classmethod
    def from_npz(cls, data: bytes) -> RouterWeights:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                if str(z["format"]) != FORMAT:
                    raise WeightsError(f"unknown router weight format {str(z['format'])!r}")
                weights = cls(
                    tuple(str(c) for c in z["classes"]),
                    z["columns"].astype(np.int64),
                    np.ascontiguousarray(z["coef"], dtype=np.float32),
                    z["intercept"].astype(np.float64),
                )
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, WeightsError):
                raise
            raise WeightsError(f"the router weights cannot be read ({exc})") from exc
        k = len(weights.classes)
        if weights.coef.shape != (len(weights.columns), k) or weights.intercept.shape != (k,):
            raise WeightsError("the router weights are inconsistent (shapes do not match)")
        return weights


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)
