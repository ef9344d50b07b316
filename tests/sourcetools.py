"""Replay of recorded real answers of web services (VCR.py cassettes in tests/fixtures/sources/,
played in record mode "none": a request that no cassette holds fails the test with
CannotOverwriteExistingCassetteException, and none leaves the machine), and a fake clock, so
that waits are measured, not slept."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import vcr
from vcr.request import Request
from vcr.serialize import deserialize
from vcr.stubs import VCRHTTPResponse

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
STATUS = {200: "OK", 304: "Not Modified", 401: "Unauthorized", 403: "Forbidden",
          404: "Not Found", 429: "Too Many Requests", 502: "Bad Gateway",
          503: "Service Unavailable"}
# requests-cache keeps the address of each answer it stores from urllib3's `_request_url`;
# VCR.py's stand-in for urllib3's answer has that address as `url` only
VCRHTTPResponse._request_url = property(lambda answer: getattr(answer, "url", None))
# play only, never record: every answer a test gets is one a cassette holds
PLAYER = vcr.VCR(record_mode="none")  # each answer played once (no playback repeats)


@dataclass(frozen=True)
class Answer:
    """An answer a test gives beside the recorded ones (a refusal, a retry): it takes the
    place of the recorded answers to the same request. Each is played once, in order."""

    uri: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    method: str = "GET"

    def interaction(self) -> tuple[Request, dict]:
        answer = {"status": {"code": self.status, "message": STATUS.get(self.status, "")},
                  "headers": {k: [v] for k, v in self.headers.items()},
                  "body": {"string": self.body}}
        return Request(self.method, self.uri, None, {}), answer


class Cassettes:
    """A VCR.py persister that reads the named cassettes as one and writes nothing."""

    def __init__(self, names: Iterable[str], answers: Iterable[Answer],
                 change: Callable[[str, str], str] | None):
        self.names, self.answers, self.change = list(names), list(answers), change

    def load_cassette(self, path, serializer):
        given = {(a.method, a.uri) for a in self.answers}
        requests, responses = [], []
        for name in self.names:
            text = (FIXTURES / name).read_text(encoding="utf-8")
            for request, response in zip(*deserialize(text, serializer)[:2], strict=True):
                if (request.method, request.uri) not in given:
                    requests.append(request)
                    responses.append(self._changed(request.uri, response))
        for request, response in (a.interaction() for a in self.answers):
            requests.append(request)
            responses.append(response)
        return requests, responses

    def _changed(self, uri: str, response: dict) -> dict:
        if self.change is None:
            return response
        body = self.change(uri, response["body"]["string"].decode("utf-8"))
        return {**response, "body": {"string": body.encode("utf-8")}}

    def save_cassette(self, path, data, serializer):
        raise AssertionError(f"{path}: the recorded answers are never written over")


@dataclass
class Replay:
    """The cassette being played and the requests it answered, as they were sent."""

    cassette: object
    asked: list[Request] = field(default_factory=list)


@contextmanager
def replay(*names: str, answers: Iterable[Answer] = (),
           change: Callable[[str, str], str] | None = None):
    """Answer each request with the answer the named cassettes recorded for it (matched on
    method and URL), or with one of answers; change(uri, body): the body as a source gave it
    on another day."""
    persister = Cassettes(names, answers, change)
    path = " + ".join(str(FIXTURES / n) for n in names) or "answers given by the test"
    with PLAYER.use_cassette(path, persister=persister) as cassette:
        played = Replay(cassette)
        play = cassette.play_response

        def logged(request):
            answer = play(request)
            played.asked.append(request)
            return answer

        # the stubs call this for each request the cassette answers: the requests as sent
        cassette.play_response = logged
        yield played


STOC = "@inproceedings{DBLP:conf/stoc/HakoniemiLT24,"


def before_the_stoc_version(uri: str, body: str) -> str:
    """DBLP's list as it was before the STOC version was listed: the recorded export less that
    one entry (its CoRR preprint and ECCC report stay)."""
    if STOC not in body:
        return body
    start = body.index(STOC)
    return body[:start] + body[body.index("\n}\n", start) + 3:]


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
