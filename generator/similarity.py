"""Text similarity between papers: their weighted term vectors and related-paper lists (the
2-D map made from the same vectors is in `maplayout.py`).

Pure computation on texts and matrices; nothing here reads or writes files.

Vectors: HashingVectorizer counts, weighted here (`weights`), rather than TfidfVectorizer. Hashing
keeps no vocabulary dict (at 100,000 abstracts the unigram+bigram vocabulary has millions of
entries, each a Python string), is stateless and so trivially deterministic, and an all-stop-word
text just gives an all-zero row instead of the "empty vocabulary" error. Collisions cost little: on
the shipped collection the related lists agree with TfidfVectorizer's exact vocabulary in 397 of 399
entries.

Related papers are exact cosine top-k, not an approximation; what keeps 100,000 papers affordable is
that frequent terms go through BLAS as a dense matrix and the rest as sparse products, one block of
rows at a time. Scores are exact to the last bit (see `weights`), so after an edit only the affected
rows are ranked again (`update`) and the result is the one a whole computation gives."""

from __future__ import annotations

import array
import collections
import functools
import importlib.util
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from scipy import sparse

from .parallel import threads

N_FEATURES = 2**20
# In the shipped collection the median pair scores 0.02 and this floor is the 97th percentile: below
# it papers share little more than generic phrasing, so a paper with no real neighbour gets a short
# list, not filler.
FLOOR = 0.05
# Weights are rounded to multiples of 1/SCALE, which makes every similarity exact in float32 (see
# `weights`).
SCALE = 2.0**11
# A term in more than this share of the papers costs more as a sparse product (df**2 scattered
# updates, about 5e7/s here) than as a column of a dense matrix multiplied by BLAS (n**2
# multiply-adds, about 8e10/s on two cores): break-even near sqrt(5e7 / 8e10) = 0.025. Measured on
# 30,000 papers with Zipf-distributed words.
DENSE_SHARE = 0.025
# At most this many cells of dense columns (512 MB); any further common terms stay sparse, only
# slower.
DENSE_CELLS = 2**27
# Cells of one similarity block: chunk rows times all papers, float32. One per thread is being
# computed while one more is read: at most threads() + 1 blocks (32 MB each, and the sparse product
# of each) exist at once. At 100,000 papers blocks of 2**24 cells took 460 MB more at the peak for
# no faster a ranking.
BLOCK_CELLS = 2**23
# Columns sampled per row to bound the k-th best score before the exact selection.
SAMPLE = 2048


TOKEN = re.compile(r"(?u)\b\w\w+\b")  # words of two or more letters or digits


@functools.cache
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words. Its one module that holds them is loaded on its own:
    importing the package takes about a second (it loads SciPy's statistics), and an edit should not
    wait for that."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("scikit-learn is not installed: pip install -r requirements.txt")
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
    module_spec = importlib.util.spec_from_file_location("_papers_stop_words", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)


def terms(text: str) -> list[str]:
    """The words of a text, lower-cased, stop words left
    out, and each pair of neighbours among them."""
    stop = stop_words()
    words = [w for w in TOKEN.findall(text.lower()) if w not in stop]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def counts(texts: list[str]) -> sparse.csr_matrix:
    """Per text, how often each term (`terms`) occurs, in N_FEATURES hashed columns (float64, whole
    numbers). A text's row depends on that text alone, so the build cache keeps it."""
    # Two growing arrays of machine numbers: Python lists of every column number (35 million at
    # 100,000 papers, each a separate int object) took about 1.5 GB, and a small array per text left
    # that much in holes once joined. Each text's columns are counted by NumPy: a Counter of Python
    # ints took 40% longer.
    indices, data, sizes = array.array("i"), array.array("d"), [0]
    for text in texts:
        found = terms(text)
        hashed = np.fromiter(map(zlib.crc32, map(str.encode, found)), dtype=np.uint32,
                             count=len(found))
        columns, times = np.unique((hashed & (N_FEATURES - 1)).astype(np.int32), return_counts=True)
        indices.frombytes(columns.tobytes())
        data.frombytes(times.astype(np.float64).tobytes())
        sizes.append(len(columns))
    arrays = (np.frombuffer(data, dtype=np.float64), np.frombuffer(indices, dtype=np.int32),
              np.cumsum(sizes, dtype=np.int64))
    return sparse.csr_matrix(arrays, shape=(len(texts), N_FEATURES))


def weights(term_counts: sparse.csr_matrix, reuse: bool = False,
            frequencies: tuple[int, np.ndarray] | None = None) -> sparse.csr_matrix:
    """L2-normalized TF-IDF rows (sublinear tf, smoothed idf), float32, each weight a multiple of
    1/SCALE.

    On such rows a similarity is a sum of products n * m / SCALE**2 with whole n, m >= 0, and by
    Cauchy-Schwarz every partial sum stays below (SCALE + sqrt(terms) / 2)**2 / SCALE**2, under
    2**24 steps of 1/SCALE**2 for any text of fewer than millions of distinct terms: float32 holds
    each of those sums exactly. So each score is exact whatever the order of the sums (BLAS threads,
    blocks of rows, one row alone), and a related list computed again for a few papers equals the
    one a whole computation gives. The price is weights to about three decimals (a weight below
    1/4096 counts as none), far finer than what decides a related paper.
    reuse: term_counts (float64) is not needed afterwards, and is weighed in place instead of
    copied.
    frequencies: (papers, document frequency of each column) of the collection these rows belong to,
    when they are weighed apart from it; each row is then exactly as weighed among all the
    collection's rows."""
    matrix = sparse.csr_matrix(term_counts, dtype=np.float64, copy=not reuse)
    matrix.sum_duplicates()
    if frequencies is None:
        frequencies = (matrix.shape[0], np.bincount(matrix.indices, minlength=matrix.shape[1]))
    count, df = frequencies
    idf = np.log((1 + count) / (1 + df)) + 1
    # In place, one array of the matrix's size at a time (at 100,000 papers each is 280 MB); the
    # same operations in the same order as (1 + log(tf)) * idf / norm, rounded to the grid.
    data = matrix.data
    np.log(data, out=data)
    data += 1
    data *= idf[matrix.indices]
    squares = sparse.csr_matrix((data * data, matrix.indices, matrix.indptr), shape=matrix.shape)
    norms = np.sqrt(squares @ np.ones((matrix.shape[1], 1))).ravel()
    del squares
    data /= np.repeat(norms, np.diff(matrix.indptr))
    data *= SCALE
    np.round(data, out=data)
    data /= SCALE
    matrix.eliminate_zeros()
    return sparse.csr_matrix(matrix, dtype=np.float32)


def tfidf(texts: list[str]) -> sparse.csr_matrix:
    """The weights of the texts' terms: `weights(counts(texts))`."""
    return weights(counts(texts))


def changed_rows(before: sparse.csr_matrix, after: sparse.csr_matrix) -> np.ndarray:
    """The rows (ascending) that differ between two matrices of the same shape."""
    return np.unique((before != after).nonzero()[0])


def reweighed_rows(after: sparse.csr_matrix, edited: np.ndarray,
                   before_edited: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """For term counts `after` whose rows `edited` (ascending) had the counts `before_edited`, and
    no others changed: (rows, df). rows (ascending): those whose weights can differ from before, the
    edited rows and every row with a term whose document frequency changed (so did its idf, and the
    row's norm); every other row weighs the same, to the bit. df: the document frequencies before,
    to weigh those rows as they were (`weights`' frequencies)."""
    columns = after.shape[1]
    moved = (np.bincount(after[edited].indices, minlength=columns)
             - np.bincount(before_edited.indices, minlength=columns))
    hits = np.flatnonzero(np.isin(after.indices, np.flatnonzero(moved)))
    rows = np.union1d(edited, np.searchsorted(after.indptr, hits, side="right") - 1)
    return rows, np.bincount(after.indices, minlength=columns) - moved


def _split_by_frequency(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The rare terms' columns, transposed (terms x rows), and the common terms as a dense matrix
    (rows x terms).

    A row of matrix times the transposed rare part sums the products of its rare terms only (the
    common terms' rows are empty there), so the rows need no copy without their common terms."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    frequent = np.argsort(-df, kind="stable")[:max(1, DENSE_CELLS // max(1, matrix.shape[0]))]
    common = np.sort(frequent[df[frequent] > DENSE_SHARE * matrix.shape[0]])
    is_common = np.zeros(matrix.shape[1], dtype=bool)
    is_common[common] = True
    rare = matrix.copy()
    rare.data[is_common[rare.indices]] = 0
    rare.eliminate_zeros()
    rare_t = rare.T.tocsr()
    del rare
    return rare_t, matrix[:, common].toarray()


class _Scores:
    """Exact similarities of chosen rows against every row; a row's similarity to itself is -1."""

    def __init__(self, matrix: sparse.csr_matrix):
        self.matrix = matrix
        self.rare_t, self.common = _split_by_frequency(matrix)
        self.step = max(1, BLOCK_CELLS // max(1, matrix.shape[0]))

    def block(self, part: np.ndarray) -> np.ndarray:
        block = self.common[part] @ self.common.T
        block += (self.matrix[part] @ self.rare_t).toarray()
        block[np.arange(len(part)), part] = -1
        return block

    def blocks(self, rows: np.ndarray):
        """(rows of the block, block) for the rows, a bounded number of them at a
        time, in order. SciPy's sparse product runs on one core and releases the
        GIL, so blocks are computed by as many threads as there are cores, each with
        one BLAS thread (BLAS threads of their own would compete for the cores), at
        most one block ahead per thread of the one being read, to bound memory."""
        parts = [rows[start:start + self.step] for start in range(0, len(rows), self.step)]
        workers = threads()
        if workers < 2 or len(parts) < 2:
            for part in parts:
                yield part, self.block(part)
            return
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            pool = ThreadPoolExecutor(workers)
            try:
                first = (pool.submit(self.block, part) for part in parts[:workers])
                pending = collections.deque(first)
                for index, part in enumerate(parts):
                    block = pending.popleft().result()
                    if index + workers < len(parts):
                        pending.append(pool.submit(self.block, parts[index + workers]))
                    yield part, block
            # read to the end, or left early: no thread outlives the blocks (the build forks later)
            finally:
                pool.shutdown(cancel_futures=True)


Ranked = list[list[tuple[int, float]]]  # per row: (row, score) of its related rows, best first


def _top(block: np.ndarray, k: int) -> Ranked:
    """Per row, (column, score) of the k best scores at or
    above FLOOR: higher score first, then lower column."""
    # The k-th best of a sample of columns bounds the k-th best of the row from below and is far
    # cheaper than partitioning whole rows; it leaves only a few candidates per row to sort exactly.
    sample = block[:, :: max(1, block.shape[1] // SAMPLE)]
    if sample.shape[1] >= k:
        bound = np.partition(sample, -k, axis=1)[:, -k]
    else:
        bound = np.full(len(block), -np.inf)
    rows, cols = np.nonzero(block >= np.maximum(bound, FLOOR)[:, None])
    scores = block[rows, cols]
    order = np.lexsort((cols, -scores, rows))
    rows, cols, scores = rows[order], cols[order], scores[order]
    starts = np.searchsorted(rows, np.arange(len(block) + 1))
    return [list(zip(cols[a:b][:k].tolist(), scores[a:b][:k].tolist(), strict=True))
            for a, b in zip(starts[:-1], starts[1:], strict=True)]


def ranked(matrix: sparse.csr_matrix, k: int, chunk: int | None = None) -> Ranked:
    """For each row of matrix (rows as `weights` gives), up to k other rows by cosine similarity:
    best first, equal scores by lower row; none below FLOOR. Computed for a block of rows against
    all at a time (chunk rows; None: as many as make a block of about BLOCK_CELLS), so the full
    similarity matrix never exists."""
    count = matrix.shape[0]
    if count == 0 or k < 1:
        return [[] for _ in range(count)]
    scores = _Scores(matrix)
    if chunk:
        scores.step = chunk
    result: Ranked = []
    for _, block in scores.blocks(np.arange(count)):
        result += _top(block, k)
    return result


def update(matrix: sparse.csr_matrix, k: int, before: Ranked, changed: np.ndarray) -> Ranked:
    """`ranked(matrix, k)`, given its result `before` for a matrix that differed only in the rows
    `changed`.

    The changed rows are ranked afresh. Every other row keeps its list, merged with the changed rows
    that now score at or above its last entry; only a row whose full list held a changed row (whose
    place an unknown row may take) is ranked afresh too. Scores are exact (see `weights`), so the
    result is the same."""
    scores = _Scores(matrix)
    result = list(before)
    is_changed = np.zeros(matrix.shape[0], dtype=bool)
    is_changed[changed] = True
    offers: dict[int, list[tuple[int, float]]] = {}
    for part, block in scores.blocks(changed):
        for row, best in zip(part.tolist(), _top(block, k), strict=True):
            result[row] = best
        sources, targets = np.nonzero(block >= FLOOR)
        values = block[sources, targets].tolist()
        found = zip(part[sources].tolist(), targets.tolist(), values, strict=True)
        for source, target, value in found:
            if not is_changed[target]:
                offers.setdefault(target, []).append((source, value))
    again = []
    for row, listed in enumerate(before):
        if is_changed[row]:
            continue
        kept = [(other, score) for other, score in listed if not is_changed[other]]
        if len(kept) < len(listed) and len(listed) >= k:
            again.append(row)
        elif len(kept) < len(listed) or row in offers:
            merged = sorted(kept + offers.get(row, []), key=lambda pair: (-pair[1], pair[0]))
            result[row] = merged[:k]
    for part, block in scores.blocks(np.array(again, dtype=np.int64)):
        for row, best in zip(part.tolist(), _top(block, k), strict=True):
            result[row] = best
    return result


def related(ids: list[str], matrix: sparse.spmatrix, k: int = 5,
            chunk: int | None = None) -> dict[str, tuple[str, ...]]:
    """For each id (the rows of matrix, as `weights` gives, in any
    order), up to k other ids by cosine similarity: best first, equal
    scores by id ascending; none below FLOOR. Every id gets an entry."""
    by_id = sorted(range(len(ids)), key=ids.__getitem__)
    in_order = [ids[i] for i in by_id]
    lists = ranked(sparse.csr_matrix(matrix, dtype=np.float32)[by_id], k, chunk)
    return {paper: tuple(in_order[other] for other, _ in best)
            for paper, best in zip(in_order, lists, strict=True)}
