"""`topics suggest`: scored, whole-word suggestions a curator can trust, and how often they are right."""

from __future__ import annotations

from conftest import REPO

from generator.collection import load_collection
from generator.suggest import evaluate

TOPICS = """\
- id: vision
  title: Vision
  description: Seeing things.
  keywords: [image, object detection, clip]
- id: speech
  title: Speech
  description: Hearing things.
  keywords: [speech, speech recognition, audio]
  exclude: [image]
"""


def test_suggestions_are_scored_ranked_and_show_the_matched_words(project, cli):
    root = project({
        "a.yml": "title: Object detection in the wild\ntopics: [speech]\nabstract: Each image is read.\n",
        "b.yml": "title: A study\ntopics: [vision]\nabstract: Speech recognition from audio.\n",
        "c.yml": "title: Another study\ntopics: [vision]\nabstract: We also mention speech once.\n",
    }, topics=TOPICS)
    before = {p.name: p.read_bytes() for p in (root / "data/papers").iterdir()}
    code, out, _ = cli(root, "topics", "suggest")
    assert code == 0
    assert out.splitlines() == [
        'data/papers/a.yml: a: consider topic `vision` (score 4: "image", "object detection")',
        'data/papers/b.yml: b: consider topic `speech` (score 3: "speech", "speech recognition", "audio")',
        "2 suggestion(s) at score >= 3; records were not changed.",
    ]
    assert {p.name: p.read_bytes() for p in (root / "data/papers").iterdir()} == before
    code, out, _ = cli(root, "topics", "suggest", "--min-score", "1")
    assert out.splitlines()[2:] == [
        'data/papers/c.yml: c: consider topic `speech` (score 1: "speech")',
        "3 suggestion(s) at score >= 1; records were not changed.",
    ]


def test_keywords_match_whole_words_only(project, cli):
    root = project({
        "a.yml": "title: Part-of-speech tagging with cable clips\ntopics: [speech]\nabstract: x\n",
        "b.yml": "title: Tagging part-of-speech\ntopics: [vision]\nabstract: Cable clips and clipping.\n",
    }, topics=TOPICS)
    code, out, _ = cli(root, "topics", "suggest", "--min-score", "1")
    assert out.splitlines() == ["0 suggestion(s) at score >= 1; records were not changed."]


def test_only_untopiced_limits_to_papers_without_a_topic(project, cli):
    root = project({
        "a.yml": "title: Speech recognition\ntopics: [vision]\nabstract: x\n",
        "b.yml": "title: Speech recognition again\nabstract: x\n",
    }, topics=TOPICS)
    _, out, _ = cli(root, "topics", "suggest", "--only-untopiced")
    assert [line.split(":")[1].strip() for line in out.splitlines()[:-1]] == ["b"]


def test_a_sub_topic_implies_its_parent(project, cli):
    topics = TOPICS + "- id: asr\n  title: ASR\n  parent: speech\n  description: d\n  keywords: [speech recognition]\n"
    root = project({"a.yml": "title: Speech recognition from audio\ntopics: [asr]\nabstract: x\n"}, topics=topics)
    _, out, _ = cli(root, "topics", "suggest", "--min-score", "1")
    assert out.splitlines() == ["0 suggestion(s) at score >= 1; records were not changed."]


def test_evaluate_counts_suggestions_the_curated_topics_confirm(project, cli):
    root = project({
        "a.yml": "title: Speech recognition\ntopics: [speech]\nabstract: x\n",
        "b.yml": "title: Image and speech\ntopics: [vision]\nabstract: x\n",
    }, topics=TOPICS)
    code, out, _ = cli(root, "topics", "suggest", "--evaluate")
    # a: speech (right); b: vision (right), speech is vetoed by its exclude "image"
    assert code == 0
    assert out.strip() == "precision 100%: 2 of 2 suggestions at score >= 3 are topics the curator chose; 2 of 2 papers got at least one right"


def test_default_suggestions_on_the_shipped_collection_are_mostly_right():
    collection = load_collection(REPO / "data", REPO)[0]
    result = evaluate(collection)
    assert result.shown >= len(collection.papers) // 2, result
    assert result.precision >= 0.6, result
