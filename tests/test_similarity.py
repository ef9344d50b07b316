"""Related papers and the collection map (generator/similarity.py), on the shipped collection and on degenerate input."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import sparse

from generator.cachecodec import paper_text
from generator.maplayout import layout
from generator.similarity import (
    FLOOR,
    SCALE,
    changed_rows,
    counts,
    ranked,
    related,
    reweighed_rows,
    tfidf,
    update,
    weights,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def shipped() -> list[dict]:
    records = []
    for path in sorted((DATA / "papers").glob("*.yml")):
        record = yaml.safe_load(path.read_text("utf-8"))
        records.append({**record, "id": path.stem})
    assert len(records) >= 100
    return records


@pytest.fixture(scope="module")
def ids(shipped) -> list[str]:
    return [record["id"] for record in shipped]


@pytest.fixture(scope="module")
def matrix(shipped):
    return tfidf([paper_text(record) for record in shipped])


@pytest.fixture(scope="module")
def lists(ids, matrix) -> dict[str, tuple[str, ...]]:
    return related(ids, matrix)


@pytest.fixture(scope="module")
def points(ids, matrix) -> dict[str, tuple[float, float]]:
    return layout(ids, matrix)


def brute_force(ids: list[str], matrix, k: int) -> dict[str, tuple[str, ...]]:
    """The definition, on the full similarity matrix: fine for a hundred papers."""
    scores = (matrix @ matrix.T).toarray()
    result = {}
    for row, paper in enumerate(ids):
        candidates = [(-float(scores[row, col]), other) for col, other in enumerate(ids) if other != paper]
        result[paper] = tuple(other for score, other in sorted(candidates) if -score >= FLOOR)[:k]
    return result


# --- paper_text and tfidf -------------------------------------------------------------------------------------------

def test_paper_text_joins_title_abstract_and_tags():
    assert paper_text({"id": "x", "title": "T", "abstract": "A b.", "tags": ["one", "two words"]}) == "T\nA b.\none\ntwo words"
    assert paper_text({"id": "x", "title": "Only a title"}) == "Only a title\n"


def test_tfidf_rows_are_unit_deterministic_and_on_the_exact_grid(shipped, matrix):
    again = tfidf([paper_text(record) for record in shipped])
    assert matrix.format == "csr" and matrix.dtype == np.float32
    assert matrix.shape[0] == len(shipped)
    assert (matrix != again).nnz == 0
    norms = np.sqrt(np.asarray(matrix.astype(np.float64).multiply(matrix).sum(axis=1)).ravel())
    assert np.allclose(norms, 1, atol=0.01)
    assert np.array_equal(matrix.data * SCALE, np.round(matrix.data * SCALE))


def test_weights_agree_with_scikit_learn(shipped, matrix):
    from sklearn.feature_extraction.text import TfidfTransformer

    reference = TfidfTransformer(sublinear_tf=True).fit_transform(counts([paper_text(record) for record in shipped]))
    assert abs(matrix - reference).max() <= 1 / SCALE


def test_similarities_are_exact_whatever_the_order_of_the_sums(matrix):
    """Every product and partial sum is a whole number of 1/SCALE**2 below 2**24 of them."""
    whole = (matrix @ matrix.T).toarray()
    dense = matrix.toarray()
    assert np.array_equal(whole, dense @ dense.T)
    assert np.array_equal(whole[:7], dense[:7] @ dense.T)
    assert np.array_equal(whole[3], dense[::-1][-4] @ dense.T)
    reversed_terms = dense[:, ::-1]
    assert np.array_equal(whole, reversed_terms @ reversed_terms.T)


def test_tfidf_uses_bigrams_and_drops_stop_words():
    vectors = tfidf(["test time adaptation", "time test adaptation", "the of and with"])
    assert vectors[2].nnz == 0
    # Same words, different pairs: only the bigrams tell the first two apart.
    assert 0.2 < float((vectors[0] @ vectors[1].T).toarray()[0, 0]) < 0.99


# --- related on the shipped collection -----------------------------------------------------------------------------

def test_related_is_deterministic_and_independent_of_chunk_size(ids, matrix, lists):
    assert related(ids, matrix) == lists
    assert related(ids, matrix, chunk=1) == lists
    assert related(ids, matrix, chunk=7) == lists


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_related_and_updates_are_the_same_in_any_number_of_threads(shipped, ids, matrix, lists, monkeypatch, workers):
    from generator import similarity

    monkeypatch.setattr(similarity, "threads", lambda: workers)
    monkeypatch.setattr(similarity, "BLOCK_CELLS", 5 * matrix.shape[0])  # blocks of 5 rows, so many go through the pool
    assert related(ids, matrix) == lists
    texts = [paper_text(record) for record in shipped]
    edited = [text + " reinforcement" if i % 9 == 0 else text for i, text in enumerate(texts)]
    after = weights(counts(edited))
    changed = changed_rows(weights(counts(texts)), after)
    assert changed.size > 10  # enough changed rows for several blocks
    assert update(after, 5, ranked(matrix, 5), changed) == ranked(after, 5)


def test_the_map_is_the_same_in_any_number_of_threads(matrix, monkeypatch):
    from generator import maplayout

    monkeypatch.setattr(maplayout, "SPLIT_NNZ", 0)  # the shipped matrix is far below the threshold
    dense = sparse.csr_matrix(matrix, dtype=np.float64)
    monkeypatch.setattr(maplayout, "threads", lambda: 1)
    one = maplayout._svd(dense, 3).tobytes()
    for workers in (2, 3, 4, 7):
        monkeypatch.setattr(maplayout, "threads", lambda workers=workers: workers)
        assert maplayout._svd(dense, 3).tobytes() == one, workers
    # a small matrix: products by rows, without the copy stored by terms
    monkeypatch.setattr(maplayout, "SPLIT_NNZ", 10**12)
    assert maplayout._svd(dense, 3).tobytes() == one


def test_the_maps_products_refuse_unsorted_rows():
    from generator import maplayout

    unsorted = sparse.csr_matrix((np.array([1.0, 2.0]), np.array([3, 1], dtype=np.int32), np.array([0, 2], dtype=np.int32)), shape=(1, 4))
    assert not unsorted.has_sorted_indices
    with pytest.raises(ValueError, match="sorted"):
        maplayout._RowProducts(unsorted)


@pytest.mark.parametrize("kernel", ["scipy", "fallback"])
def test_the_maps_threaded_products_are_scipys_to_the_bit(matrix, monkeypatch, kernel):
    """Each thread writes its rows into one array, through SciPy's kernel or, without it, SciPy's product."""
    from generator import maplayout

    calls = []
    if kernel == "fallback":
        monkeypatch.setattr(maplayout, "_MATVECS", None)
    else:
        assert maplayout._MATVECS is not None  # the installed SciPy has the kernel the fast path calls
        real = maplayout._MATVECS
        monkeypatch.setattr(maplayout, "_MATVECS", lambda *args: calls.append(args[0]) or real(*args))
    monkeypatch.setattr(maplayout, "SPLIT_NNZ", 0)
    monkeypatch.setattr(maplayout, "threads", lambda: 3)
    a = sparse.csr_matrix(matrix, dtype=np.float64)
    basis = np.asfortranarray(np.random.default_rng(1).standard_normal((a.shape[0], 5)))  # as QR returns it
    terms = np.random.default_rng(2).standard_normal((a.shape[1], 5))
    with maplayout._RowProducts(a) as product:
        assert product.parts == 3
        assert product.backward(basis).tobytes() == (a.T.tocsr() @ basis).tobytes()
        assert product.forward(terms).tobytes() == (a @ terms).tobytes()
    assert len(calls) == (3 if kernel == "scipy" else 0)  # one call a part: the fast path was taken


def test_no_thread_outlives_the_similarity_blocks(matrix, monkeypatch):
    import threading

    from generator import similarity

    monkeypatch.setattr(similarity, "threads", lambda: 2)
    scores = similarity._Scores(matrix)
    scores.step = 3
    before = set(threading.enumerate())  # other tests' servers may still be running
    blocks = scores.blocks(np.arange(matrix.shape[0]))
    next(blocks)
    assert set(threading.enumerate()) - before
    blocks.close()  # left early
    assert not set(threading.enumerate()) - before


def test_related_matches_the_definition(ids, matrix, lists):
    assert lists == brute_force(ids, matrix, 5)
    assert related(ids, matrix, k=2) == brute_force(ids, matrix, 2)


def test_related_lists_are_short_valid_and_never_the_paper_itself(ids, lists):
    assert set(lists) == set(ids)
    known = set(ids)
    for paper, others in lists.items():
        assert len(others) <= 5
        assert paper not in others
        assert len(set(others)) == len(others)
        assert set(others) <= known
    assert sum(len(others) for others in lists.values()) > 3 * len(ids)  # the floor leaves most lists full


def test_related_does_not_depend_on_input_order(ids, matrix, lists):
    order = list(range(len(ids)))
    random.Random(3).shuffle(order)
    assert related([ids[i] for i in order], matrix[order]) == lists


@pytest.mark.parametrize("one, other", [
    # Continual test-time adaptation with a mean teacher, both.
    ("continual-test-time-domain-adaptation", "robust-mean-teacher-continual-gradual-test-time-adaptation"),
    # Learning-rate schedules tuned automatically during training.
    ("autolrs-automatic-learning-rate-schedule-bayesian", "when-why-how-much-adaptive-learning-rate-scheduling"),
    # Training mixture-of-experts models.
    ("deepspeed-moe-advancing-mixture-experts-inference-training", "evomoe-evolutional-mixture-experts-training-framework-dense"),
    # CTC speech recognition.
    ("align-purpose-optimize-desired-properties-ctc-models-general", "iterative-pseudo-forced-alignment-acoustic-ctc-loss-self"),
    # Getting LLMs to write long outputs.
    ("language-models-can-self-lengthen-to-generate-long-texts", "minimum-tuning-unlock-long-output-llms-high-quality-data-as"),
    # GPU systems for graph neural network training.
    ("pigeon-optimizing-cuda-code-generator-end-end-training", "pytorch-direct-enabling-gpu-centric-data-access-very-large"),
])
def test_papers_on_the_same_subject_list_each_other(lists, one, other):
    assert other in lists[one]
    assert one in lists[other]


def test_test_time_adaptation_papers_mostly_point_to_each_other(shipped, lists):
    group = {record["id"] for record in shipped if "test-time adaptation" in record.get("tags", [])}
    assert len(group) >= 6
    for paper in group:
        assert len(set(lists[paper]) & group) >= 3, (paper, lists[paper])


# --- layout on the shipped collection ------------------------------------------------------------------------------

def test_layout_is_in_the_unit_square_rounded_and_deterministic(ids, matrix, points):
    assert set(points) == set(ids)
    assert layout(ids, matrix) == points
    for x, y in points.values():
        assert 0 <= x <= 1 and 0 <= y <= 1
        assert round(x, 4) == x and round(y, 4) == y
    xs, ys = zip(*points.values(), strict=True)
    assert min(xs) == 0 and max(xs) == 1 and min(ys) == 0 and max(ys) == 1
    assert len(set(points.values())) > 0.9 * len(ids)


def test_the_maps_svd_is_close_to_the_exact_one(matrix):
    """The randomized SVD against LAPACK's full one on the shipped collection, whose 2nd to 5th singular values
    lie close together (the hard case): singular values within 0.5%, the 3-D subspace within a few degrees."""
    from scipy.linalg import subspace_angles

    from generator import maplayout

    dense = sparse.csr_matrix(matrix, dtype=np.float64)
    exact_u, exact_sigma, _ = np.linalg.svd(dense.toarray(), full_matrices=False)
    found = maplayout._svd(dense, 3)
    assert np.allclose(np.linalg.norm(found, axis=0), exact_sigma[:3], rtol=0.005)
    assert np.cos(subspace_angles(exact_u[:, :3], found)).min() > 0.97


def test_layout_keeps_top_level_topics_together(shipped, points):
    parents = {topic["id"]: topic.get("parent") for topic in yaml.safe_load((DATA / "topics.yml").read_text("utf-8"))}

    def top(topic: str) -> str:
        return top(parents[topic]) if parents[topic] else topic

    groups: dict[str, list[tuple[float, float]]] = {}
    for record in shipped:
        groups.setdefault(top(record["topics"][0]), []).append(points[record["id"]])
    centres = {name: tuple(np.mean(members, axis=0)) for name, members in groups.items()}
    own_all, other_all = [], []
    for name, members in groups.items():
        own = np.mean([math.dist(point, centres[name]) for point in members])
        other = np.mean([math.dist(point, centre) for point in members for theirs, centre in centres.items() if theirs != name])
        assert own < other, name
        own_all += [math.dist(point, centres[name]) for point in members]
        other_all += [math.dist(point, centre) for point in members for theirs, centre in centres.items() if theirs != name]
    # 0.54 with the chosen projection and scaling (0.51 scaled by the extremes alone); 0.74 when the
    # first SVD component is kept.
    assert np.mean(own_all) / np.mean(other_all) < 0.6


# --- degenerate input -----------------------------------------------------------------------------------------------

def test_no_papers():
    vectors = tfidf([])
    assert vectors.shape[0] == 0 and vectors.dtype == np.float32
    assert related([], vectors) == {}
    assert layout([], vectors) == {}


def test_one_paper():
    vectors = tfidf(["Sparse attention for long context"])
    assert related(["a"], vectors) == {"a": ()}
    assert layout(["a"], vectors) == {"a": (0.5, 0.5)}


def test_two_papers():
    vectors = tfidf(["Sparse attention for long context", "Sparse attention for long documents"])
    assert related(["b", "a"], vectors) == {"a": ("b",), "b": ("a",)}
    points = layout(["b", "a"], vectors)
    assert set(points) == {"a", "b"} and all(0 <= c <= 1 for point in points.values() for c in point)


@pytest.mark.parametrize("count", [2, 3, 6])
def test_only_stop_words(count):
    texts = ["The of and", "is it was", "with from", "we our", "a an the", "this that"][:count]
    ids = [f"p{n}" for n in range(count)]
    vectors = tfidf(texts)
    assert vectors.shape[0] == count and vectors.nnz == 0
    assert related(ids, vectors) == dict.fromkeys(ids, ())
    points = layout(ids, vectors)
    assert set(points) == set(ids)
    assert all(0 <= c <= 1 and not math.isnan(c) for point in points.values() for c in point)


def test_identical_texts_tie_by_id():
    ids = ["f", "c", "a", "e", "b", "g", "d"]
    vectors = tfidf(["Quantization of large language models"] * len(ids))
    lists = related(ids, vectors)
    assert lists["a"] == ("b", "c", "d", "e", "f")
    assert lists["d"] == ("a", "b", "c", "e", "f")
    assert lists["g"] == ("a", "b", "c", "d", "e")
    assert related(ids, vectors, chunk=2) == lists
    assert set(layout(ids, vectors).values()) == {(0.5, 0.5)}


def test_the_higher_score_wins_by_the_smallest_step_and_equal_scores_go_by_id():
    step = 1 / SCALE
    rows = [[1, 0, 0], [0.5, 0.75, 0], [0.5 + step, 0, 0.75]]
    vectors = sparse.csr_matrix(np.array(rows, dtype=np.float32))
    assert related(["a", "b", "c"], vectors, k=1)["a"] == ("c",)
    assert related(["a", "z", "c"], vectors, k=1)["a"] == ("c",)
    rows[2][0] = 0.5
    vectors = sparse.csr_matrix(np.array(rows, dtype=np.float32))
    assert related(["a", "b", "c"], vectors, k=1)["a"] == ("b",)
    assert related(["a", "c", "b"], vectors[[0, 2, 1]], k=1)["a"] == ("b",)
    assert related(["a", "z", "c"], vectors, k=1)["a"] == ("c",)


def test_identical_texts_among_different_ones():
    texts = ["Speech recognition with CTC", "Robot soccer from egocentric vision", "Speech recognition with CTC", "the of and"]
    ids = ["s2", "robot", "s1", "empty"]
    lists = related(ids, tfidf(texts))
    assert lists == {"s1": ("s2",), "s2": ("s1",), "robot": (), "empty": ()}
    points = layout(ids, tfidf(texts))
    assert points["s1"] == points["s2"] and points["s1"] != points["robot"]


@pytest.mark.parametrize("texts", [["cats", "dogs", "cats dogs"], ["cats", "cats", "cats"], ["cats", "the", "dogs", "of"]])
def test_layout_of_tiny_vocabularies(texts):
    ids = [f"p{n}" for n in range(len(texts))]
    points = layout(ids, tfidf(texts))
    assert set(points) == set(ids)
    assert all(0 <= c <= 1 and not math.isnan(c) for point in points.values() for c in point)
    assert layout(ids, tfidf(texts)) == points


def test_k_larger_than_the_collection_and_k_zero(ids, matrix):
    few = ids[:4]
    vectors = matrix[:4]
    assert all(len(others) <= 3 for others in related(few, vectors, k=50).values())
    assert related(few, vectors, k=0) == dict.fromkeys(few, ())


@pytest.mark.parametrize("source", [[], ["--synthetic"]])
def test_benchmark_script_runs_at_a_small_size(source):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "discovery.py"), *source, "140"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [[cell.strip() for cell in line.split("|")] for line in result.stdout.splitlines() if line.startswith("| 140 |")]
    assert [row[2] for row in rows] == ["generate + read (untimed)", "tfidf", "related (k=5)", "layout"]
    assert float(rows[2][5].split()[0]) > 0  # related papers found: the texts of the papers were read


# --- update after edits: the same result as ranking everything again --------------------------------------------------

EDITS = [
    lambda texts, rng, i: texts[i] + " edited",
    lambda texts, rng, i: "an entirely new abstract about " + " ".join(rng.sample(texts[rng.randrange(len(texts))].split(), 3)),
    lambda texts, rng, i: texts[rng.randrange(len(texts))],  # a copy of another paper
    lambda texts, rng, i: "",  # emptied
    lambda texts, rng, i: texts[i].replace("learning", "learning learning"),
]


@pytest.mark.parametrize("seed", range(6))
def test_update_after_random_edits_equals_ranking_again(shipped, seed):
    rng = random.Random(seed)
    texts = [paper_text(record) for record in shipped]
    k = rng.choice([1, 3, 5])
    before_counts = counts(texts)
    before = ranked(weights(before_counts), k)
    for _ in range(4):
        edited = list(texts)
        for i in rng.sample(range(len(texts)), rng.choice([1, 1, 2, 4])):
            edited[i] = rng.choice(EDITS)(texts, rng, i)
        after = weights(counts(edited))
        changed = changed_rows(weights(before_counts), after)
        assert update(after, k, before, changed) == ranked(after, k)
        texts, before_counts, before = edited, counts(edited), ranked(after, k)


def test_update_with_nothing_changed_and_with_everything_changed(matrix):
    before = ranked(matrix, 5)
    assert update(matrix, 5, before, np.array([], dtype=np.int64)) == before
    stale = [[] for _ in before]
    assert update(matrix, 5, stale, np.arange(matrix.shape[0])) == before


@pytest.mark.parametrize("seed", range(8))
def test_rows_weighed_apart_tell_the_changed_rows_as_weighing_everything_does(shipped, seed):
    """After random edits, weighing only the rows an edit can change (with the collection's frequencies from before)
    finds the rows whose weights changed, exactly as weighing the whole collection twice does."""
    rng = random.Random(seed)
    texts = [paper_text(record) for record in shipped]
    edited = list(texts)
    rows = sorted(rng.sample(range(len(texts)), rng.choice([1, 2, 5])))
    for i in rows:
        edited[i] = rng.choice(EDITS)(texts, rng, i)
    before, after = counts(texts), counts(edited)
    suspects, df = reweighed_rows(after, np.array(rows), before[rows])
    apart = weights(before[suspects], frequencies=(len(texts), df))
    whole = weights(before)
    assert (apart != whole[suspects]).nnz == 0  # each row as weighed among all, to the bit
    expected = changed_rows(whole, weights(after))
    assert np.array_equal(suspects[changed_rows(apart, weights(after)[suspects])], expected)
    assert np.isin(expected, suspects).all() and set(rows) <= set(suspects.tolist())
