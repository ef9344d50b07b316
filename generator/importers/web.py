"""One HTTP client for every service an import asks: a timeout on each request, retries with
backoff on 429 and 5xx answers (a `Retry-After` is honoured), each service's rate limit, a
User-Agent naming the tool and a contact address, and an on-disk cache, so that a second run
asks the network only for what is not cached yet or has expired (and then revalidates with
ETag or Last-Modified when the service gave one).

A failure that no retry mends (no network, a refusal, retries used up) raises ServiceError:
one line naming the service, what failed and what to do. Importers fetch every answer before
any record is written, so a failure leaves the collection as it was.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
import requests_cache

from .. import __version__
from ..problems import Problem
from .answersize import ANSWER_MAX, AnswerTooLarge, cap_answers
from .services import CONTACT_ENV

RETRIED = {429, 500, 502, 503, 504}
GONE = {400, 404, 410}  # what was asked for does not exist: an entry left out, not a failure
RETRIES = 4  # attempts after the first
BACKOFF = 2.0  # seconds before the first retry; doubled for each one after
WAIT_MAX = 120.0  # a Retry-After longer than this fails the run instead of stalling it
TIMEOUT = (10, 60)  # seconds to connect, seconds to wait for the answer
CACHE_TTL = datetime.timedelta(days=7)
MAILBOX = re.compile(r"[^@\s<>()\[\];:,\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Service:
    """A service by the name users know it by, and the requests per second it allows."""

    name: str
    per_second: float


class ServiceError(Exception):
    """A request that failed for good; the message is the one line the user sees."""


def user_agent(contact: str | None) -> str:
    """Crossref's polite pool and DBLP ask for a way to reach whoever runs the tool."""
    mailto = f"; mailto:{contact}" if contact else ""
    return f"papersite/{__version__} (paper collection importer{mailto})"


def contact_address(given: str | None) -> str | None:
    """The address from --mailto or the environment; one that is no address (it would break
    the header, or reach no one) is refused before anything is asked."""
    address = given or os.environ.get(CONTACT_ENV) or None
    if address is not None and not MAILBOX.fullmatch(address):
        where = "--mailto" if given else f"${CONTACT_ENV}"
        raise ServiceError(f"{where}: {address[:80]!r} is not an email address "
                           "(name@example.org)")
    return address


def cached_session(cache_dir: Path | None, ttl: datetime.timedelta = CACHE_TTL,
                   answer_max: int = ANSWER_MAX) -> requests.Session:
    """A session whose answers are kept in cache_dir/http.sqlite (None: kept in memory); an
    expired answer that carried an ETag or Last-Modified is revalidated, not fetched again.
    An answer over answer_max bytes fails its request (AnswerTooLarge)."""
    if cache_dir is None:
        session = requests_cache.CachedSession(backend="memory", expire_after=ttl,
                                               match_headers=["Accept"])
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        session = requests_cache.CachedSession(str(cache_dir / "http"), backend="sqlite",
                                               expire_after=ttl, match_headers=["Accept"])
    return cap_answers(session, answer_max)


class Client:
    """GET with retries, a rate limit per service and the cache; clock and sleep are
    parameters so that tests measure waits without waiting."""

    def __init__(self, session: requests.Session, contact: str | None = None, *,
                 clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None,
                 log: Callable[[str], None] = lambda line: None,
                 now: Callable[[], datetime.datetime] | None = None):
        self.session, self.log = session, log
        self.clock, self.sleep = clock or time.monotonic, sleep or time.sleep
        # wall time, for a Retry-After given as a date
        self.now = now or (lambda: datetime.datetime.now(datetime.UTC))
        self.agent = user_agent(contact)
        self.last: dict[str, float] = {}  # service name: when the network was last asked
        self.sent = 0  # requests that reached the network, not the cache

    def get(self, service: Service, url: str, accept: str,
            extra: dict[str, str] | None = None) -> requests.Response:
        """The answer to GET url; any status but 429 and 5xx is the caller's to judge. extra:
        headers of the service's own (an API key), which the cache does not key on."""
        headers = {"Accept": accept, "User-Agent": self.agent, **(extra or {})}
        cached = self._cached(url, headers)
        if cached is not None:
            return cached
        for attempt in range(RETRIES + 1):
            self._keep_rate(service)
            response = self._send(service, url, headers)
            if response.status_code not in RETRIED:
                return response
            if attempt == RETRIES:
                break
            self._wait_before_retry(service, response, attempt)
        raise ServiceError(f"{service.name}: HTTP {response.status_code} for {url} after "
                           f"{RETRIES + 1} attempts; try again later (nothing was written)")

    def _cached(self, url: str, headers: dict) -> requests.Response | None:
        if not isinstance(self.session, requests_cache.CachedSession):
            return None
        response = self.session.get(url, headers=headers, only_if_cached=True)
        return response if response.status_code != 504 else None

    def _keep_rate(self, service: Service) -> None:
        last = self.last.get(service.name)
        if last is not None:
            wait = 1.0 / service.per_second - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)

    def _send(self, service: Service, url: str, headers: dict) -> requests.Response:
        try:
            response = self.session.get(url, headers=headers, timeout=TIMEOUT)
        except AnswerTooLarge as err:
            raise ServiceError(f"{service.name}: the answer from {url} is too large ({err}); "
                               "ask for less, or report it to the service (nothing was "
                               "written)") from None
        except requests.Timeout:
            raise ServiceError(f"{service.name}: no answer from {url} within {TIMEOUT[1]} s; "
                               "try again later (nothing was written)") from None
        except requests.RequestException as err:
            raise ServiceError(f"{service.name}: cannot reach {_host(url)} ({_reason(err)}); "
                               "check the network connection and run again "
                               "(nothing was written)") from None
        finally:
            self.last[service.name] = self.clock()
        self.sent += not getattr(response, "from_cache", False)
        return response

    def _wait_before_retry(self, service: Service, response: requests.Response,
                           attempt: int) -> None:
        wait = retry_after(response.headers.get("Retry-After"), self.now())
        if wait is None:
            wait = BACKOFF * 2 ** attempt
        if wait > WAIT_MAX:
            raise ServiceError(f"{service.name}: HTTP {response.status_code}, asked to wait "
                               f"{wait:.0f} s; run again later (nothing was written)")
        self.log(f"{service.name}: HTTP {response.status_code}; retrying in {wait:.0f} s")
        self.sleep(wait)


def not_found(response: requests.Response, service: Service, what: str) -> Problem | None:
    """None for an answer to read; a problem of the entry when what was asked for does not
    exist; any other answer fails the run (ServiceError)."""
    code = response.status_code
    if code in GONE:
        return Problem(service.name, 0, 0, "", f"{what}: not imported: not found (HTTP {code})")
    if code != 200:
        raise ServiceError(f"{service.name}: HTTP {code} {response.reason or ''} for "
                           f"{response.url}; check {what}, then try again later "
                           "(nothing was written)")
    return None


def read_json(response: requests.Response, service: Service, what: str) -> dict | Problem:
    """The JSON object of an answer (a list answer as {"items": list}); a problem of the entry
    when what was asked for does not exist; an answer that is no JSON fails the run."""
    gone = not_found(response, service, what)
    if gone:
        return gone
    try:
        answer = json.loads(response.content)
    except ValueError:
        raise ServiceError(f"{service.name}: the answer from {response.url} is not JSON; try "
                           "again later (nothing was written)") from None
    if isinstance(answer, list):
        return {"items": answer}
    return answer if isinstance(answer, dict) else {}


def retry_after(value: str | None, now: datetime.datetime) -> float | None:
    """Seconds a `Retry-After` asks for: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def _host(url: str) -> str:
    return url.split("/")[2] if url.count("/") >= 2 else url


def _reason(err: Exception) -> str:
    """The innermost cause, which names what went wrong (name resolution, refusal)."""
    while err.__context__ is not None and err.__context__ is not err:
        err = err.__context__
    text = str(err).split("] ")[-1]
    return text[:120] or type(err).__name__
