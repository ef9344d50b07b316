"""Text similarity between papers: related-paper lists and a 2-D map of the collection.

Pure computation on plain record dicts; nothing here reads or writes files.

Vectors: HashingVectorizer + TfidfTransformer rather than TfidfVectorizer. Hashing keeps no vocabulary
dict (at 100,000 abstracts the unigram+bigram vocabulary has millions of entries, each a Python string),
is stateless and so trivially deterministic, and an all-stop-word text just gives an all-zero row instead
of the "empty vocabulary" error. Collisions cost little: on the shipped collection the related lists agree
with TfidfVectorizer's exact vocabulary in 397 of 399 entries.

Related papers are exact cosine top-k, not an approximation; what keeps 100,000 papers affordable is that
frequent terms go through BLAS as a dense matrix and the rest as sparse products, one block of rows at a time."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

N_FEATURES = 2**20
# In the shipped collection the median pair scores 0.02 and this floor is the 97th percentile: below it papers
# share little more than generic phrasing, so a paper with no real neighbour gets a short list, not filler.
FLOOR = 0.05
# Scores are compared after rounding so that float noise (BLAS threads, summation order) cannot reorder ties.
DECIMALS = 6
# A term in more than this share of the papers costs more as a sparse product (df**2 scattered updates, about
# 1e8/s here) than as a column of a dense matrix multiplied by BLAS (about 1e11 multiply-adds/s): break-even near 0.04.
DENSE_SHARE = 0.05
# At most this many dense columns (400 MB at 100,000 papers); any further common terms stay sparse, only slower.
MAX_DENSE = 1024
# Cells of the similarity block computed at once: chunk rows times all papers, float32.
BLOCK_CELLS = 2**24
# Columns sampled per row to bound the k-th best score before the exact selection.
SAMPLE = 2048
# Map coordinates spread less than this are rounding noise, not a direction.
SPREAD = 1e-6


def tfidf(texts: list[str]) -> sparse.csr_matrix:
    """Rows are L2-normalized float32 TF-IDF vectors (sublinear tf) over unigrams and bigrams, English stop words
    left out, in 2**20 hashed columns: HashingVectorizer + TfidfTransformer, for the reasons in the module docstring."""
    if not texts:  # the hasher cannot transform an empty list
        return sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
    counts = HashingVectorizer(ngram_range=(1, 2), stop_words="english", alternate_sign=False, norm=None,
                               n_features=N_FEATURES, dtype=np.float32).transform(texts)
    return sparse.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(counts), dtype=np.float32)


def _split_by_frequency(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The rare terms as a sparse matrix and the common ones as a dense one; their products add up to the full one."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    frequent = np.argsort(-df, kind="stable")[:MAX_DENSE]
    common = np.sort(frequent[df[frequent] > DENSE_SHARE * matrix.shape[0]])
    rare = matrix.copy()
    rare.data[np.isin(rare.indices, common)] = 0
    rare.eliminate_zeros()
    return rare, matrix[:, common].toarray()


def _top(block: np.ndarray, k: int) -> list[np.ndarray]:
    """Per row, the columns of the k best scores at or above FLOOR: higher score first, then lower column."""
    # The k-th best of a sample of columns bounds the k-th best of the row from below and is far cheaper
    # than partitioning whole rows; it leaves only a few candidates per row to sort exactly.
    sample = block[:, :: max(1, block.shape[1] // SAMPLE)]
    bound = np.partition(sample, -k, axis=1)[:, -k] if sample.shape[1] >= k else np.full(len(block), -np.inf)
    # The margin keeps scores that only tie the bound after rounding.
    rows, cols = np.nonzero(block >= np.maximum(bound, FLOOR)[:, None] - 10.0**-DECIMALS)
    scores = np.round(block[rows, cols].astype(np.float64), DECIMALS)
    keep = scores >= FLOOR
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    order = np.lexsort((cols, -scores, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(len(block) + 1))
    return [cols[a:b][:k] for a, b in zip(starts[:-1], starts[1:], strict=True)]


def related(ids: list[str], matrix: sparse.spmatrix, k: int = 5, chunk: int | None = None) -> dict[str, tuple[str, ...]]:
    """For each id, up to k other ids by cosine similarity of the rows of matrix (L2-normalized, as tfidf gives):
    best first, scores equal to DECIMALS places by id ascending; none below FLOOR. Every id gets an entry.

    Similarities are computed for chunk rows against all papers at a time (None: as many rows as make a block
    of about BLOCK_CELLS), so memory stays bounded; the full similarity matrix never exists.
    """
    count = len(ids)
    by_id = sorted(range(count), key=ids.__getitem__)
    ranked = [ids[i] for i in by_id]
    if count == 0 or k < 1:
        return dict.fromkeys(ranked, ())
    # Rows and columns in id order, so that the lower column wins a tie.
    rare, common = _split_by_frequency(sparse.csr_matrix(matrix, dtype=np.float32)[by_id])
    rare_t = rare.T.tocsr()
    step = chunk or max(1, BLOCK_CELLS // count)
    result = {}
    for start in range(0, count, step):
        stop = min(start + step, count)
        block = common[start:stop] @ common.T
        block += (rare[start:stop] @ rare_t).toarray()
        block[np.arange(stop - start), np.arange(start, stop)] = -1  # never the paper itself
        for row, best in enumerate(_top(block, k), start):
            result[ranked[row]] = tuple(ranked[i] for i in best)
    return result


def _svd(matrix: sparse.csr_matrix, components: int) -> np.ndarray:
    # Most of the 2**20 hash buckets are empty in a small collection, yet each costs the SVD dense work;
    # a few are kept regardless because TruncatedSVD wants more columns than components.
    matrix = matrix[:, np.union1d(matrix.indices, np.arange(components + 1))]
    svd = TruncatedSVD(components, algorithm="randomized", n_iter=7, random_state=0)
    with np.errstate(divide="ignore", invalid="ignore"):  # explained variance ratio of texts that do not vary
        points = svd.fit_transform(matrix)
    # SVD signs are arbitrary; fixing them (largest loading positive) keeps the map from mirroring between versions.
    signs = np.sign(svd.components_[np.arange(components), np.abs(svd.components_).argmax(axis=1)])
    return points * np.where(signs == 0, 1, signs)


def _unit_square(points: np.ndarray) -> np.ndarray:
    low, span = points.min(axis=0), np.ptp(points, axis=0)
    # An axis with no real spread (identical or empty texts) would otherwise blow rounding noise up to [0, 1].
    flat = span <= SPREAD
    scaled = (points - low) / np.where(flat, 1, span)
    return np.round(np.where(flat, 0.5, scaled), 4)


def layout(ids: list[str], matrix: sparse.spmatrix) -> dict[str, tuple[float, float]]:
    """For each id, a point in [0, 1] x [0, 1] (4 decimals) for a map of the collection: similar papers near each other.

    Latent semantic analysis to three components, keeping the second and third: the first mostly measures how
    typical a paper's wording is, not what it is about. On the shipped collection that separated the top-level
    topics clearly better than the first two (mean distance to the own topic's centre over that to the others'
    0.49 against 0.74), and as well as a 50-component SVD at a fraction of its time and memory.
    Fewer than three papers sit on a horizontal line through the centre.
    """
    count = len(ids)
    if count < 3:
        return {paper: (round(i / (count - 1), 4) if count > 1 else 0.5, 0.5) for i, paper in enumerate(ids)}
    # In float32 the number of BLAS threads changed the 4th decimal of many points; in float64 none.
    points = _unit_square(_svd(sparse.csr_matrix(matrix, dtype=np.float64), 3)[:, 1:])
    return {paper: (float(x), float(y)) for paper, (x, y) in zip(ids, points, strict=True)}
