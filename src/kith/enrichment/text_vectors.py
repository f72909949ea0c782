"""Fixed-size sparse text vectors for similarity and for models that learn online.

Why hashing rather than a fitted vocabulary or a neural embedding: the inbox's suggested answers, the
ideas board's de-duplication and the learned router all compare texts written in this installation, in
any language, as they arrive. A hashing vectoriser needs no fitted state (a vector computed today
compares with one stored last month), works for every script (character n-grams), and ships nothing to
download. Word unigrams and bigrams carry topic; character 3-5-grams inside words catch inflections,
typos and compounds ("Lieferung", "delivered"). Rows are L2-normalised, so a dot product is the cosine.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

N_FEATURES = 2**20


@cache
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    words = HashingVectorizer(
        n_features=N_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm=None, lowercase=True
    )
    chars = HashingVectorizer(
        n_features=N_FEATURES, analyzer="char_wb", ngram_range=(3, 5), alternate_sign=False, norm=None
    )
    return words, chars


def vectorize(texts: Sequence[str]) -> sparse.csr_matrix:
    """(n, 2^20) sparse rows, L2-normalised, sublinear term frequency; an empty text is a zero row."""
    words, chars = _vectorizers()
    docs = list(texts)
    m = (words.transform(docs) + chars.transform(docs) * 0.5).tocsr()
    m.data = 1.0 + np.log(m.data)  # sublinear tf: a word said ten times is not ten times the topic
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def cosine(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """(len(a), len(b)) cosine similarities of two vectorised batches."""
    return np.asarray((a @ b.T).toarray(), dtype=np.float64)


def top_k(query: sparse.csr_matrix, candidates: sparse.csr_matrix, k: int) -> list[tuple[int, float]]:
    """Indices and similarities of the ``k`` candidates closest to the single-row ``query``, best first."""
    if candidates.shape[0] == 0:
        return []
    sims = cosine(query, candidates)[0]
    k = min(k, len(sims))
    best = np.argpartition(-sims, k - 1)[:k]
    return sorted(((int(i), float(sims[i])) for i in best), key=lambda t: (-t[1], t[0]))
