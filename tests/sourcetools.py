"""Replay of recorded real answers of web services (VCR.py cassettes in
tests/fixtures/sources/, replayed with `responses`: a request nothing answers is refused, none
leaves the machine), and a fake clock, so that waits are measured, not slept."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import responses
import yaml

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
# framing of the recorded transfer, which the replay redoes itself
FRAMING = {"transfer-encoding", "content-length", "content-encoding"}


@contextmanager
def replay(name: str):
    """Answer each request a cassette recorded with its recorded answer."""
    interactions = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))["interactions"]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for interaction in interactions:
            request, answer = interaction["request"], interaction["response"]
            headers = [(k, v) for k, values in answer["headers"].items() for v in values
                       if k.lower() not in FRAMING]
            mock.add(request["method"], request["uri"], body=answer["body"]["string"],
                     status=answer["status"]["code"], headers=headers)
        yield mock


class FakeClock:
    """Time that moves only when slept through."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def papers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "data" / "papers").glob("*.yml"))
