"""A 2-D map of the collection from the papers' term vectors (`similarity.weights`): similar
papers near each other. Pure computation; nothing here reads or writes files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse, stats

from .parallel import threads

# Sparse products of the map with more non-zeros than this are shared out among threads (fewer: not
# worth it).
SPLIT_NNZ = 1_000_000
# Map coordinates spread less than this are rounding noise, not a direction.
SPREAD = 1e-6


def _svd(matrix: sparse.csr_matrix, components: int, oversample: int = 10,
         iterations: int = 7) -> np.ndarray:
    """The rows projected on the top singular vectors (U times Sigma), by randomized subspace
    iteration (Halko, Martinsson and Tropp 2011) on the papers' Gram matrix A A^T, with a fixed
    seed.

    Only the papers' side is needed, so the basis lives in paper space (n x 13) and the last step is
    the eigen-decomposition of a 13 x 13 matrix; the usual form ends with an SVD of a 13 x terms
    matrix (hundreds of thousands of used hash columns), which took 0.7 s of a 10,000-paper edit."""
    # Most of the 2**20 hash buckets are empty in a small collection; leaving them out keeps the
    # products small. The columns are renumbered in place of a column selection, which would copy
    # the matrix once more.
    used = np.flatnonzero(np.bincount(matrix.indices, minlength=matrix.shape[1]))
    number = np.zeros(matrix.shape[1], dtype=np.int32)
    number[used] = np.arange(len(used), dtype=np.int32)
    arrays = (matrix.data.astype(np.float64), number[matrix.indices], matrix.indptr)
    matrix = sparse.csr_matrix(arrays, shape=(matrix.shape[0], len(used)))
    # as weights() leaves them: the products' sums then run in one order (see _RowProducts)
    matrix.sort_indices()
    size = min(components + oversample, *matrix.shape)
    points = np.zeros((matrix.shape[0], components))
    if size == 0:
        return points
    with _RowProducts(matrix) as product:
        basis = np.random.default_rng(0).standard_normal((matrix.shape[0], size))
        # each pass multiplies by A A^T; QR keeps the basis well conditioned
        for _ in range(iterations + 1):
            basis, _ = np.linalg.qr(product.forward(product.backward(basis)))
        projected = product.backward(basis)  # A^T Q: Q^T A A^T Q is its Gram matrix
    values, vectors = np.linalg.eigh(projected.T @ projected)
    top = np.argsort(-values, kind="stable")[:components]
    sigma = np.sqrt(np.clip(values[top], 0, None))
    found = basis @ vectors[:, top] * sigma  # U Sigma, as many columns as the rank allows
    loadings = (projected @ vectors[:, top]).T  # the terms' side (V Sigma), only for the signs
    # SVD signs are arbitrary; fixing them (largest loading
    # positive) keeps the map from mirroring between versions.
    signs = np.sign(loadings[np.arange(len(top)), np.abs(loadings).argmax(axis=1)])
    points[:, :len(top)] = found * np.where(signs == 0, 1, signs)
    return points


class _RowProducts:
    """matrix @ x and matrix.T @ y (the matrix's indices sorted in each row). Each output row is the
    same sum, in the same order, whatever the number of threads: matrix.T @ y has its rows shared
    out among threads (SciPy's products run on one core and release the GIL); matrix @ x is one
    product, on one thread."""

    def __init__(self, matrix: sparse.csr_matrix):
        if not matrix.has_sorted_indices:
            raise ValueError("the map's products need each row's indices sorted")
        big = matrix.nnz >= SPLIT_NNZ
        self.parts = threads() if big else 1
        if not big:
            self.by_columns, self.columns = matrix, [matrix.T]
        else:
            # A copy of the matrix stored by terms. Its row-wise product is faster than SciPy's
            # transposed one and can be split by rows. Read by columns, it is the matrix itself:
            # then matrix @ x reads x in order, where a product by rows reads it at random (0.07
            # against 0.36 s on one thread at 30,000 papers). Each paper's sum is made in the same
            # order either way, term by term, ascending.
            transposed = matrix.T.tocsr()
            self.columns = self._split(transposed)
            self.by_columns = transposed.T

    def _split(self, matrix: sparse.csr_matrix) -> list[sparse.csr_matrix]:
        if self.parts == 1:
            return [matrix]
        bounds = np.linspace(0, matrix.shape[0], self.parts + 1).astype(int)
        ptr, parts = matrix.indptr, []
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            data, indices = matrix.data[ptr[a]:ptr[b]], matrix.indices[ptr[a]:ptr[b]]
            part = sparse.csr_matrix((data, indices, ptr[a:b + 1] - ptr[a]),
                                     shape=(b - a, matrix.shape[1]), copy=False)
            # SciPy copies a small view of a larger array; keep the views
            part.data, part.indices = data, indices
            parts.append(part)
        return parts

    def __enter__(self):
        self.pool = ThreadPoolExecutor(self.parts) if self.parts > 1 else None
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def forward(self, dense: np.ndarray) -> np.ndarray:
        return self.by_columns @ dense

    def backward(self, dense: np.ndarray) -> np.ndarray:
        parts = self.columns
        if self.pool is None:
            return parts[0] @ dense
        # Each thread writes its rows into one array. Stacking the parts' products afterwards copied
        # them all once more, into memory made anew: 81 MB a backward product at 10,000 papers, a
        # quarter of the layout's time.
        dense = np.ascontiguousarray(dense)
        bounds = np.cumsum([0] + [part.shape[0] for part in parts])
        kind = np.result_type(parts[0].dtype, dense.dtype)
        out = np.zeros((bounds[-1], dense.shape[1]), dtype=kind)

        def product(i: int) -> None:
            _product_into(parts[i], dense, out[bounds[i]:bounds[i + 1]])

        list(self.pool.map(product, range(len(parts))))
        return out


def _sparse_kernel():
    """SciPy's kernel behind `csr @ dense`, which adds into an array it
    is given. It is private: used only when found, and when it gives
    SciPy's product on a small case with mixed signs and an empty row."""
    try:
        from scipy.sparse import _sparsetools

        kernel = _sparsetools.csr_matvecs
        part = sparse.csr_matrix(np.array([[1.5, 0, -2, 0], [0, 0, 0, 0], [0.25, 3, 0, -1]]))
        dense = np.arange(8, dtype=np.float64).reshape(4, 2) - 3
        out = np.zeros((3, 2))
        kernel(3, 4, 2, part.indptr, part.indices, part.data, dense.ravel(), out.ravel())
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    return kernel if np.array_equal(out, part @ dense) else None


_MATVECS = _sparse_kernel()


def _product_into(part: sparse.csr_matrix, dense: np.ndarray, out: np.ndarray) -> None:
    """out = part @ dense, out zeros and C-contiguous: through the kernel SciPy's product calls,
    with the same part and dense arrays, so the same sums in the same order; SciPy's product itself,
    copied into out, where that kernel or its types are not there."""
    # The kernel checks no sizes: they are checked here, as SciPy checks them before calling it.
    if (_MATVECS is not None and part.indptr.dtype == part.indices.dtype
            and part.dtype == dense.dtype == out.dtype == np.float64
            and dense.flags.c_contiguous and out.flags.c_contiguous and dense.ndim == 2
            and dense.shape[0] == part.shape[1] and out.shape == (part.shape[0], dense.shape[1])):
        _MATVECS(part.shape[0], part.shape[1], dense.shape[1], part.indptr, part.indices,
                 part.data, dense.ravel(), out.ravel())
    else:
        out[...] = part @ dense


def _unit_square(points: np.ndarray) -> np.ndarray:
    """Each axis into [0, 1]: three parts its rank among the papers, one part its place between the
    extremes. By place alone, a few outlying papers pressed the rest into a corner of the plot (on
    the shipped collection the middle 80% of the papers filled 18% of it; now 50%); by rank alone,
    the gaps between groups of papers would close. Both keep each axis's order, so similar papers
    stay together, and equal coordinates stay equal."""
    low, span = points.min(axis=0), np.ptp(points, axis=0)
    # An axis with no real spread (identical or empty texts) would otherwise blow rounding noise up
    # to [0, 1].
    flat = span <= SPREAD
    scaled = (points - low) / np.where(flat, 1, span)
    # Ranked as rounded, so that coordinates equal but for rounding noise (identical texts) share
    # their mean rank rather than be set apart by it.
    ranks = stats.rankdata(np.round(scaled, 6), axis=0)
    ranks = (ranks - ranks.min(axis=0)) / np.where(flat, 1, np.ptp(ranks, axis=0))
    return np.round(np.where(flat, 0.5, (scaled + 3 * ranks) / 4), 4)


def layout(ids: list[str], matrix: sparse.spmatrix) -> dict[str, tuple[float, float]]:
    """For each id, a point in [0, 1] x [0, 1] (4 decimals) for a map of the collection: similar
    papers near each other.

    Latent semantic analysis to three components, keeping the second and third: the first mostly
    measures how typical a paper's wording is, not what it is about. On the shipped collection that
    separated the top-level topics clearly better than the first two (mean distance to the own
    topic's centre over that to the others' 0.49 against 0.74), and as well as a 50-component SVD at
    a fraction of its time and memory. Fewer than three papers sit on a horizontal line through the
    centre.
    """
    count = len(ids)
    if count < 3:
        return {paper: (round(i / (count - 1), 4) if count > 1 else 0.5, 0.5)
                for i, paper in enumerate(ids)}
    # In float32 the number of BLAS threads changed the 4th decimal of many points; in float64 none.
    points = _unit_square(_svd(sparse.csr_matrix(matrix), 3)[:, 1:])  # (_svd computes in float64)
    return {paper: (float(x), float(y)) for paper, (x, y) in zip(ids, points, strict=True)}
