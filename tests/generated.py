"""Generated collections for tests and benchmarks: realistic records, deterministic content."""

from __future__ import annotations

import random
from pathlib import Path

from generator.recordfile import dump_record

WORDS = ("attention training model sparse efficient learning video speech robot policy gradient diffusion "
         "memory kernel adaptation continual quantization scaling benchmark language vision").split()
TOPICS = ["vision", "speech", "systems", "language", "robotics", "optimization"]


def make_collection(root: Path, count: int, seed: int = 1) -> Path:
    """Write mkdocs.yml, data/topics.yml and count paper records under root."""
    rng = random.Random(seed)
    papers = root / "data" / "papers"
    papers.mkdir(parents=True, exist_ok=True)
    topics = "".join(f"- id: {t}\n  title: {t.title()}\n  description: Papers about {t}.\n" for t in TOPICS)
    (root / "data" / "topics.yml").write_text(topics, "utf-8")
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {n}"
        record = {
            "title": title,
            "authors": [f"Author {rng.randrange(500)}" for _ in range(rng.randrange(1, 6))],
            "date": f"{rng.randrange(2015, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "topics": sorted({TOPICS[n % len(TOPICS)], rng.choice(TOPICS)}),  # every topic has papers
            "tags": rng.sample(WORDS, 2),
            "arxiv": f"{rng.randrange(15, 25)}{rng.randrange(1, 13):02d}.{n:05d}",
            "abstract": " ".join(rng.choice(WORDS) for _ in range(180)),
            "links": {"code": f"https://github.com/example/repo-{n}"},
        }
        (papers / f"paper-{n:05d}.yml").write_text(dump_record(record), "utf-8")
    return root
