"""A cap on the size of a web service's answer, counted as it arrives and after decompression,
so that a broken or hostile server (or a small gzip body that unpacks to gigabytes) fails the
run with one line instead of filling the memory. The largest real answers asked for (a prolific
author's DBLP page, a page of 200 OpenAlex works) are a few megabytes."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

ANSWER_MAX = 64 * 2**20  # bytes of one answer, decompressed


class AnswerTooLarge(Exception):
    """An answer over the cap; str() says by how much, for ServiceError's one line."""


class _CountedBody:
    """The raw body of an answer, read through a counter; everything else as the body's."""

    def __init__(self, raw, limit: int):
        self._raw, self._limit, self._read = raw, limit, 0

    def stream(self, amt: int = 2**16, decode_content: bool | None = None):
        for chunk in self._raw.stream(amt, decode_content=decode_content):
            self._read += len(chunk)
            if self._read > self._limit:
                self._raw.release_conn()
                raise AnswerTooLarge(f"more than {shown(self._limit)}")
            yield chunk

    def __getattr__(self, name: str):
        return getattr(self._raw, name)


class CappedAdapter(HTTPAdapter):
    """requests' adapter whose answers refuse to grow past `limit` bytes."""

    def __init__(self, limit: int = ANSWER_MAX, **kwargs):
        super().__init__(**kwargs)
        self.limit = limit

    def build_response(self, req, resp) -> requests.Response:
        response = super().build_response(req, resp)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.limit:
            resp.release_conn()
            raise AnswerTooLarge(f"{shown(int(declared))} announced")
        response.raw = _CountedBody(resp, self.limit)
        return response


def shown(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size:,} bytes"


def cap_answers(session: requests.Session, limit: int = ANSWER_MAX) -> requests.Session:
    adapter = CappedAdapter(limit)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
