"""Synthetic collections for benchmarks: realistic field sizes and skew, deterministic content.

Topics, tags, authors and venues follow a Zipf-like skew (a few large terms, a long tail);
years lean to recent ones. Titles and abstracts draw their words as real text does, by Zipf's
law over a vocabulary of 20,000 words: a few words in most papers, most words in few. (Words
drawn evenly from a small vocabulary would make every paper share thousands of terms with every
other one, the costliest case for related papers; `bench/discovery.py` measures that case on
its own.) Most papers are one file each; one in ten sits in a list file.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.recordfile import dump_record  # noqa: E402

WORDS = ("attention training model sparse efficient learning video speech robot policy gradient "
         "diffusion memory kernel adaptation continual quantization scaling benchmark language "
         "vision retrieval graph contrastive transformer token pruning distillation latent reward "
         "agent planning segmentation detection depth motion audio caption reasoning alignment "
         "preference federated privacy robust adversarial uncertainty calibration causal").split()
FIRST = ("Ana Ben Chen Dmitri Elena Farid Grace Hiro Ines Jun Kofi Lena Mateo Nadia Omar Priya Qi "
         "Rosa Sven Tomás Ulla Wei Yara Zoë").split()
LAST = ("Smith Müller Wang Garcia Kim Nguyen Rossi Kowalski Okafor Tanaka Silva Johansson Haddad "
        "Ivanova Dubois Patel Cohen Novak Schmidt Lee Sato Moreau Jensen Ferreira Horvath Yilmaz "
        "Andersen Costa Fischer Romero").split()
SYLLABLES = ("ba ko ri mu se ta lin dor fe gal hu jo ka ler mi no pa qua ro sti tre ul ve wen "
             "xi yo zar").split()
VOCABULARY_SIZE = 20_000
LIST_FILE_SIZE = 100


def vocabulary() -> list[str]:
    """WORDS first (the most frequent), then made-up words of two to four syllables."""
    made = (a + b + c for c in ("", *SYLLABLES) for a in SYLLABLES for b in SYLLABLES if a != b)
    extra = [w for w in dict.fromkeys(made) if w not in WORDS]
    # only reached for a larger vocabulary
    for a, b, c, d in itertools.product(SYLLABLES, repeat=4):
        extra.append(a + b + c + d)
        if len(WORDS) + len(extra) >= VOCABULARY_SIZE:
            break
    return (WORDS + extra)[:VOCABULARY_SIZE]


class Skewed:
    """Items drawn with Zipf-like weights: the first ones far more often than the last ones."""

    def __init__(self, items: list, exponent: float = 1.1):
        self.items = items
        weights = (1 / (rank**exponent) for rank in range(1, len(items) + 1))
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random):
        index = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
        return self.items[min(index, len(self.items) - 1)]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


class Text:
    """Words drawn by Zipf's law (the r-th most frequent word has weight 1/r). Half of a paper's
    words follow the whole collection's ranking, half its topic's own (the made-up words in another
    order), so papers on one topic share words as real ones do."""

    def __init__(self):
        self.words = vocabulary()
        weights = (1 / rank for rank in range(1, len(self.words) + 1))
        self.cumulative = list(itertools.accumulate(weights))
        self.by_topic: dict[int, list[str]] = {}

    def topic_words(self, topic: int) -> list[str]:
        if topic not in self.by_topic:
            made = self.words[len(WORDS):]
            shift = topic * 613 % len(made)
            self.by_topic[topic] = made[shift:] + made[:shift] + WORDS
        return self.by_topic[topic]

    def sentence(self, rng: random.Random, words: int, topic: int) -> str:
        common = rng.choices(self.words, cum_weights=self.cumulative, k=words - words // 2)
        own = rng.choices(self.topic_words(topic), cum_weights=self.cumulative, k=words // 2)
        return " ".join(rng.sample(common + own, words))


def topics_yaml(count: int) -> tuple[str, list[str]]:
    """count top-level topics, every fourth with two sub-topics."""
    lines, ids = [], []
    for n in range(count):
        top = f"area-{n:02d}"
        ids.append(top)
        lines.append(f"- id: {top}\n  title: Area {n}\n  description: Research area number {n}.\n")
        if n % 4 == 0:
            for k in (1, 2):
                sub = f"{top}-sub-{k}"
                ids.append(sub)
                lines.append(f"- id: {sub}\n  title: Area {n}, part {k}\n"
                             f"  description: Part {k} of area {n}.\n  parent: {top}\n")
    return "".join(lines), ids


def record(rng: random.Random, n: int, pools: dict) -> dict:
    year = 2025 - min(int(rng.expovariate(0.25)), 35)
    topics = sorted({pools["topics"].pick(rng) for _ in range(rng.choice((1, 1, 2, 2, 3)))})
    main_topic = pools["topics"].items.index(topics[0])
    text = pools["text"]
    value = {
        "title": text.sentence(rng, rng.randint(6, 14), main_topic).capitalize() + f" {n}",
        "authors": [pools["authors"].pick(rng)
                    for _ in range(rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 8, 12)))],
        "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "topics": topics,
        "tags": sorted({pools["tags"].pick(rng) for _ in range(rng.randint(2, 6))}),
        "arxiv": f"{year % 100:02d}{rng.randint(1, 12):02d}.{n:05d}" if n < 100_000 else None,
        "abstract": text.sentence(rng, rng.randint(120, 260), main_topic).capitalize() + ".",
        "links": {"code": f"https://github.com/example/repo-{n}"},
    }
    value["authors"] = list(dict.fromkeys(value["authors"]))
    if rng.random() < 0.8:
        value["venue"] = pools["venues"].pick(rng)
    if rng.random() < 0.3:
        value["added"] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {k: v for k, v in value.items() if v is not None}


def papers(count: int, seed: int = 7) -> tuple[str, list[str], Iterator[tuple[str, dict]]]:
    """(topics.yml text, topic ids, an iterator of (paper id, record)) for count papers."""
    rng = random.Random(seed)
    topics_text, topic_ids = topics_yaml(max(6, min(30, count // 300)))
    # Drawn in this order (tags, authors, venues): each list takes its turn of rng.
    tags = [f"{rng.choice(WORDS)} {rng.choice(WORDS)} {k}" for k in range(max(50, count // 5))]
    authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {k}"
               for k in range(max(100, count * 3 // 2))]
    kinds = ("ICML", "NeurIPS", "ICLR", "CVPR", "ACL", "Workshop on", "Journal of")
    venues = [f"{rng.choice(kinds)} {sentence(rng, 2)} {k}" for k in range(max(20, count // 50))]
    pools = {
        "text": Text(),
        "topics": Skewed(topic_ids, 0.8),
        "tags": Skewed(tags),
        "authors": Skewed(authors, 0.9),
        "venues": Skewed(venues),
    }
    records = ((f"paper-{n:06d}", record(rng, n, pools)) for n in range(count))
    return topics_text, topic_ids, records


def make(root: Path, count: int, seed: int = 7) -> Path:
    """Write mkdocs.yml-less data/ for count papers under root; returns the data folder."""
    data = root / "data"
    papers_dir = data / "papers"
    papers_dir.mkdir(parents=True, exist_ok=True)
    topics_text, _, records = papers(count, seed)
    (data / "topics.yml").write_text(topics_text, "utf-8")
    in_lists = []
    for n, (paper_id, value) in enumerate(records):
        if n % 10 == 9:
            in_lists.append({"id": paper_id, **value})
            if len(in_lists) == LIST_FILE_SIZE:
                (papers_dir / f"list-{n:06d}.yml").write_text(dump_record(in_lists), "utf-8")
                in_lists = []
        else:
            (papers_dir / f"{paper_id}.yml").write_text(dump_record(value), "utf-8")
    if in_lists:
        (papers_dir / "list-rest.yml").write_text(dump_record(in_lists), "utf-8")
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    print(make(args.folder, args.count))
