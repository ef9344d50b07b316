"""Importers that ask a service, against recorded real answers (VCR.py cassettes in
tests/fixtures/sources/, played by VCR.py in record mode "none": a request no cassette holds
fails the test, none leaves the machine), and the HTTP client they share, with a fake clock so
that backoff and rate limits are measured, not slept."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import http.server
import socket

import pytest
import requests
import yaml
from httpserve import serve_handler
from sourcetools import FIXTURES, Answer, FakeClock, before_the_stoc_version, papers, replay
from vcr.errors import CannotOverwriteExistingCassetteException

from generator.importers.semanticscholar import FIELDS
from generator.importers.web import Client, Service, ServiceError, cached_session, retry_after

DOI = "10.1126/science.169.3946.635"
GAP = "Sublinear Algorithms for Gap Edit Distance"


def client(clock: FakeClock, cache_dir=None, **kwargs) -> Client:
    wall = datetime.datetime(2026, 6, 16, 13, 0, tzinfo=datetime.UTC)
    return Client(cached_session(cache_dir), "curator@example.org", clock=clock,
                  sleep=clock.sleep, now=lambda: wall, **kwargs)


def test_doi_import_resolves_to_csl_json_and_writes_a_record(project, cli):
    root = project()
    with replay("doi.yaml") as mock:
        code, out, err = cli(root, "import", "doi", f"https://doi.org/{DOI}", "--topic", "vision")
        calls = list(mock.asked)
    assert code == 0, err
    assert len(calls) == 2  # the redirect to Crossref, then its CSL-JSON
    request = calls[0]
    assert request.headers["Accept"] == "application/vnd.citationstyles.csl+json"
    assert "mailto:" not in request.headers["User-Agent"]
    assert papers(root) == ["the-structure-of-ordinary-water.yml"]
    text = (root / "data/papers/the-structure-of-ordinary-water.yml").read_text()
    for line in (f"doi: {DOI}", "venue: Science", "date: '1970-08-14'", "- Henry S. Frank",
                 "type: article", "volume: '169'", "pages: 635-641"):
        assert line in text
    assert "jats" not in text and "The train of thought" in text
    assert "create data/papers/the-structure-of-ordinary-water.yml (doi.org" in out
    assert out.strip().splitlines()[-1].startswith("1 created, 0 updated, 0 already present")


def test_doi_dry_run_writes_nothing_and_a_second_run_finds_the_duplicate(project, cli):
    root = project()
    with replay("doi.yaml"):
        code, out, _ = cli(root, "import", "doi", DOI, "--dry-run")
    assert code == 0 and papers(root) == [] and out.rstrip().endswith("nothing was written")
    with replay("doi.yaml"):
        cli(root, "import", "doi", DOI)
        code, out, _ = cli(root, "import", "doi", f"doi:{DOI}")
    assert code == 0 and f"skipped doi.org ({DOI}): same DOI as data/papers/" in out


def test_doi_second_run_is_answered_by_the_cache(project, cli):
    root = project()
    with replay("doi.yaml") as mock:
        cli(root, "import", "doi", DOI, "--dry-run")
        assert len(mock.asked) == 2
    with replay("doi.yaml") as mock:
        code, out, _ = cli(root, "import", "doi", DOI, "--dry-run")
        assert len(mock.asked) == 0
    assert code == 0 and "1 would be created" in out
    assert (root / ".cache" / "http.sqlite").is_file()


def test_not_a_doi_or_an_unknown_one_is_reported_and_the_rest_import(project, cli):
    root = project()
    with replay("doi.yaml", answers=[Answer("https://doi.org/10.1063/0", 404)]):
        code, out, _ = cli(root, "import", "doi", "not-a-doi", DOI, "10.1063/0")
    assert "doi.org: 10.1063/0: not imported: not found (HTTP 404)" in out
    assert code == 1  # as the file importers: the good entries are in, the exit says not all
    assert "command line: 'not-a-doi' is not a DOI" in out and len(papers(root)) == 1


def test_offline_is_one_line_exit_1_and_nothing_written(project, cli, monkeypatch):
    root = project()

    def refuse(*args, **kwargs):
        raise requests.ConnectionError("Failed to resolve 'doi.org' (Name or service unknown)")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    code, out, err = cli(root, "import", "doi", DOI, "10.1063/1.1749327")
    assert code == 1 and out == "" and papers(root) == []
    assert err.strip().splitlines() == [
        "error: doi.org: cannot reach doi.org (Failed to resolve 'doi.org' (Name or service "
        "unknown)); check the network connection and run again (nothing was written)"]


def test_a_request_no_cassette_holds_fails_the_test_and_never_reaches_the_network(
        project, cli, monkeypatch):
    tried = []

    def connect(sock, address):
        tried.append(address)
        raise OSError("the network was asked")

    monkeypatch.setattr(socket.socket, "connect", connect)
    root = project()
    unrecorded = "GET https://doi.org/10.1063/1.1749327"
    with (replay("doi.yaml"),
          pytest.raises(CannotOverwriteExistingCassetteException, match=unrecorded)):
        cli(root, "import", "doi", DOI, "10.1063/1.1749327", "--no-cache")
    assert tried == [] and papers(root) == []


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.yaml")))
def test_each_recorded_answer_is_played_byte_for_byte(name):
    cassette = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    with replay(name) as mock:
        for interaction in cassette["interactions"]:
            request, recorded = interaction["request"], interaction["response"]
            answer = requests.request(request["method"], request["uri"], allow_redirects=False)
            assert answer.status_code == recorded["status"]["code"]
            assert answer.content == recorded["body"]["string"].encode("utf-8")
            for key, values in recorded["headers"].items():
                if key != "transfer-encoding":  # framing: the body is whole
                    assert answer.headers[key] == ", ".join(values)
    assert len(mock.asked) == len(cassette["interactions"])


def test_a_failure_after_some_answers_writes_nothing(project, cli):
    root = project()
    with replay("doi.yaml", answers=[Answer("https://doi.org/10.1063/1.1749327", 403)]):
        code, out, err = cli(root, "import", "doi", DOI, "10.1063/1.1749327", "--no-cache")
    assert code == 1 and papers(root) == []
    assert err.splitlines() == [
        "error: doi.org: HTTP 403 Forbidden for https://doi.org/10.1063/1.1749327; check "
        "10.1063/1.1749327, then try again later (nothing was written)"]


def test_retries_back_off_and_honour_retry_after():
    url = "https://api.example.org/works/1"
    answers = [Answer(url, 503), Answer(url, 429, {"Retry-After": "7"}),
               Answer(url, 503, {"Retry-After": "Tue, 16 Jun 2026 13:00:30 GMT"}),
               Answer(url, 200, {"Content-Type": "application/json"}, b'{"ok": true}')]
    clock, lines = FakeClock(), []
    with replay(answers=answers):
        answer = client(clock, log=lines.append).get(Service("api", 100.0), url,
                                                     "application/json")
    assert answer.json() == {"ok": True}
    assert clock.slept == [2.0, 7.0, 30.0]  # backoff; Retry-After in seconds; as a date
    assert lines[1] == "api: HTTP 429; retrying in 7 s"


def test_retries_used_up_or_a_long_retry_after_fail_with_one_line():
    url = "https://api.example.org/works/2"
    clock = FakeClock()
    with (replay(answers=[Answer(url, 502)] * 5),
          pytest.raises(ServiceError, match=r"^api: HTTP 502 for .* after 5 attempts; try again")):
        client(clock).get(Service("api", 100.0), url, "application/json")
    assert clock.slept == [2.0, 4.0, 8.0, 16.0]
    with (replay(answers=[Answer(url, 429, {"Retry-After": "3600"})]),
          pytest.raises(ServiceError, match="asked to wait 3600 s; run again later")):
        client(FakeClock()).get(Service("api", 100.0), url, "application/json")


def capped_client() -> Client:
    return Client(cached_session(None, answer_max=1000), "curator@example.org")


@pytest.mark.parametrize("headers, body, said", [
    ({}, b"0" * 5000, "more than 1,000 bytes"),
    ({"Content-Length": "70000000"}, b"0" * 10, "67 MB announced"),
], ids=["long", "announced"])
def test_an_answer_over_the_size_cap_fails_with_one_line(headers, body, said):
    url = "https://api.example.org/works/huge"
    answer = Answer(url, 200, {"Content-Type": "application/json", **headers}, body)
    with replay(answers=[answer]), pytest.raises(ServiceError) as failed:
        capped_client().get(Service("api", 100.0), url, "application/json")
    assert str(failed.value) == (f"api: the answer from {url} is too large ({said}); ask for less, "
                                 "or report it to the service (nothing was written)")


@contextlib.contextmanager
def gzip_server(text: bytes):
    """A server on 127.0.0.1 that answers every GET with text, gzipped (VCR.py's replay hands
    over bodies without unpacking them, so unpacking is tested against a real answer)."""
    packed = gzip.compress(text)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            for name, value in (("Content-Type", "application/json"),
                                ("Content-Encoding", "gzip"), ("Content-Length", len(packed))):
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(packed)

        def log_message(self, *args):
            pass

    with serve_handler(Handler) as address:
        yield address + "/works/1"


def test_a_small_gzip_answer_that_unpacks_past_the_size_cap_fails():
    with gzip_server(b"0" * 200_000) as url, pytest.raises(ServiceError) as failed:
        capped_client().get(Service("api", 100.0), url, "application/json")
    assert "is too large (more than 1,000 bytes)" in str(failed.value)


def test_an_answer_within_the_size_cap_is_read_whole_and_unpacked():
    with gzip_server(b'{"ok": "' + b"0" * 900 + b'"}') as url:
        got = capped_client().get(Service("api", 100.0), url, "application/json")
    assert got.json() == {"ok": "0" * 900}


def test_rate_limit_spaces_requests_to_one_service_but_not_cached_answers():
    urls = [f"https://api.example.org/w/{n}" for n in range(4)]
    clock = FakeClock()
    web = client(clock)
    slow, other = Service("slow", 0.5), Service("other", 0.5)
    with replay(answers=[Answer(url, body=b"{}") for url in urls]):
        for url in urls[:3]:
            web.get(slow, url, "application/json")
        web.get(other, urls[3], "application/json")  # its own budget
        web.get(slow, urls[0], "application/json")  # cached: no wait
    assert clock.slept == [2.0, 2.0] and web.sent == 4


def test_user_agent_names_the_contact_address_from_the_option_or_environment(monkeypatch):
    from generator.importers.web import contact_address, user_agent

    monkeypatch.setenv("PAPERSITE_MAILTO", "lab@example.org")
    assert contact_address(None) == "lab@example.org"
    assert contact_address("me@example.org") == "me@example.org"
    agent = user_agent("me@example.org")
    assert agent.endswith("(paper collection importer; mailto:me@example.org)")


def test_retry_after_forms():
    now = datetime.datetime(2026, 6, 16, 13, 0, tzinfo=datetime.UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Tue, 16 Jun 2026 12:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None and retry_after(None, now) is None


PERSON = "https://dblp.org/pid/11/1649.html"
MERGED = "functional-lower-bounds-algebraic-proofs-symmetry-lifting.yml"


def test_dblp_person_import_merges_each_corr_preprint_into_its_published_version(project, cli):
    root = project()
    with replay("dblp.yaml") as mock:
        code, out, err = cli(root, "import", "dblp", PERSON, "--topic", "vision")
        assert [c.url for c in mock.asked] == ["https://dblp.org/pid/11/1649.bib"]
    assert code == 0, err
    lines = out.splitlines()
    assert ("merged dblp.org/pid/11/1649.bib:97 (arXiv 2412.20114) into "
            "dblp.org/pid/11/1649.bib:56: one record citing the published version") in lines
    assert sum(line.startswith("merged ") for line in lines) == 11
    assert lines[-1].startswith("62 created, 0 updated, 11 preprint(s) merged, 45 already present")
    text = (root / "data/papers" / MERGED).read_text()
    for line in ("arxiv: '2412.20114'", "doi: 10.1145/3618260.3649616", "type: inproceedings",
                 "citekey: DBLP:conf/stoc/HakoniemiLT24", "  pages: 1396–1404"):
        assert line in text
    assert "doi.org" not in text and "CoRR" not in text and len(papers(root)) == 62


def test_dblp_dry_run_shows_the_merges_and_a_second_run_changes_nothing(project, cli):
    root = project()
    with replay("dblp.yaml"):
        code, out, _ = cli(root, "import", "dblp", "11/1649", "--dry-run")
    assert code == 0 and papers(root) == []
    assert sum(line.startswith("would merge ") for line in out.splitlines()) == 11
    with replay("dblp.yaml"):
        cli(root, "import", "dblp", "11/1649")
    before = {p: (root / "data/papers" / p).read_bytes() for p in papers(root)}
    code, out, _ = cli(root, "import", "dblp", "11/1649")  # from the cache: no replay needed
    assert code == 0 and "merged" not in out
    assert out.splitlines()[-1].startswith("0 created, 0 updated, 107 already present")
    assert {p: (root / "data/papers" / p).read_bytes() for p in papers(root)} == before


def test_dblp_published_version_completes_a_preprint_already_in_the_collection(project, cli):
    preprint = """\
        title: 'Functional Lower Bounds in Algebraic Proofs: Symmetry, Lifting, and Barriers'
        authors: [Tuomas Hakoniemi]
        date: '2024-12-28'
        arxiv: '2412.20114'
        topics: [vision]
        abstract: Edited by hand.
        """
    root = project({"preprint.yml": preprint})
    with replay("dblp.yaml"):
        code, out, _ = cli(root, "import", "dblp", "11/1649", "--update")
    assert code == 0
    assert "update data/papers/preprint.yml: add venue, doi, citekey, type, bib" in out
    text = (root / "data/papers/preprint.yml").read_text()
    assert "abstract: Edited by hand." in text and "date: '2024-12-28'" in text
    assert "doi: 10.1145/3618260.3649616" in text and MERGED not in papers(root)


def test_dblp_pids_from_ids_and_profile_urls():
    from generator.importers.dblp import dblp_pids

    pids, problems = dblp_pids(["11/1649", "https://dblp.org/pid/95/7448-1.html",
                                "https://dblp.uni-trier.de/pid/l/YannLeCun.xml", "Nutan Limaye"])
    assert pids == ["11/1649", "95/7448-1", "l/YannLeCun"]
    assert [p.message[:16] for p in problems] == ["'Nutan Limaye' i"]


def test_merge_needs_a_published_version_and_folds_each_preprint_once():
    from generator.importers.common import Candidate
    from generator.importers.merge import merge_versions

    def entry(line, **record):
        return Candidate({"title": "A Paper.", **record}, "answer", line)

    corr = entry(1, arxiv="2401.00001", doi="10.48550/ARXIV.2401.00001")
    venue = entry(2, doi="10.1145/1", venue="STOC")
    again = entry(3, arxiv="2401.00001")
    kept, merges = merge_versions([corr, venue, again])
    assert [c.line for c in kept] == [2, 3] and kept[0].record["arxiv"] == "2401.00001"
    assert kept[0].record["doi"] == "10.1145/1" and len(merges) == 1
    assert merge_versions([corr, again])[1] == []  # two preprints: nothing to cite instead
    old = entry(4, doi="10.1145/2", date="1990")
    assert merge_versions([entry(1, arxiv="2401.00001", date="2024"), old])[1] == []


def test_a_preprint_folds_into_the_published_version_that_names_its_arxiv_id():
    from generator.importers.common import Candidate
    from generator.importers.merge import merge_versions

    bare = Candidate({"title": "A paper", "arxiv": "2401.00001v2", "abstract": "From arXiv.",
                      "citekey": "pre", "venue": "arXiv"}, "orcid", 1)
    linked = Candidate({"title": "A Paper, Revised", "arxiv": "2401.00001",
                        "doi": "10.1145/1", "venue": "STOC", "citekey": "pub"}, "s2", 7)
    for order in ([bare, linked], [linked, bare]):
        kept, merges = merge_versions(order)
        assert [(c.file, c.line) for c in kept] == [("s2", 7)] and len(merges) == 1
        assert kept[0].record == {"title": "A Paper, Revised", "arxiv": "2401.00001",
                                  "doi": "10.1145/1", "venue": "STOC", "citekey": "pub",
                                  "abstract": "From arXiv."}
        assert merges[0].line(True) == (
            "would merge orcid:1 (arXiv 2401.00001v2) into s2:7: one record citing the "
            "published version")
    other = Candidate({"title": "A paper", "arxiv": "2402.00002"}, "orcid", 2)
    assert merge_versions([other, linked])[1] == []  # another preprint of the same title


def test_two_listings_of_a_published_version_one_with_its_arxiv_id_become_one_record():
    from generator.importers.common import Candidate
    from generator.importers.merge import merge_versions

    linked = Candidate({"title": "Gap Edit Distance", "arxiv": "1910.00901",
                        "doi": "10.1109/FOCS.2019.00070", "venue": "FOCS (IEEE)",
                        "type": "article", "bib": {"journal": "FOCS (IEEE)"},
                        "abstract": "From S2.", "date": "2019-10-02"}, "s2", 3)
    listed = Candidate({"title": "Gap Edit Distance.", "doi": "10.1109/focs.2019.00070",
                        "venue": "FOCS", "type": "inproceedings", "citekey": "DBLP:g",
                        "bib": {"booktitle": "FOCS", "pages": "1101-1120"}, "date": "2019"},
                       "dblp", 9)
    other = Candidate({"title": "Another", "doi": "10.1109/FOCS.2019.00071"}, "dblp", 10)
    kept, merges = merge_versions([listed, other, linked])
    assert [c.where() for c in kept] == ["dblp:9", "dblp:10"]
    assert kept[0].record == {"title": "Gap Edit Distance.", "doi": "10.1109/focs.2019.00070",
                              "venue": "FOCS", "type": "inproceedings", "citekey": "DBLP:g",
                              "bib": {"booktitle": "FOCS", "pages": "1101-1120"},
                              "date": "2019", "arxiv": "1910.00901", "abstract": "From S2."}
    assert [m.line(True) for m in merges] == [
        "would merge s2:3 into dblp:9: the same paper (DOI 10.1109/focs.2019.00070, arXiv "
        "1910.00901), one record citing the published version"]
    kept, merges = merge_versions([linked, listed])
    assert [c.where() for c in kept] == ["s2:3"] and kept[0].record == {
        **linked.record, "citekey": "DBLP:g"}  # the first listed is cited
    assert merges[0].line(False).startswith("merged dblp:9 into s2:3: the same paper")
    twice = Candidate({**listed.record}, "crossref", 1)  # neither names a preprint: a duplicate
    assert merge_versions([listed, twice])[1] == []


def test_a_contact_that_is_no_address_is_refused_before_any_request(project, cli):
    root = project()
    code, out, err = cli(root, "import", "doi", DOI, "--mailto", "me\r\nX-Evil: 1")
    assert code == 1 and out == "" and papers(root) == []
    why = "'me\\r\\nX-Evil: 1' is not an email address (name@example.org)"
    assert err == f"error: --mailto: {why}\n"


def test_an_expired_answer_is_revalidated_with_its_etag(tmp_path):
    url = "https://api.example.org/works/3"
    clock = FakeClock()
    session = cached_session(tmp_path, ttl=datetime.timedelta(0))
    web = Client(session, None, clock=clock, sleep=clock.sleep)
    answers = [Answer(url, 200, {"ETag": '"v1"'}, b'{"title": "A"}'),
               Answer(url, 304, {"ETag": '"v1"'})]
    with replay(answers=answers) as mock:
        assert web.get(Service("api", 100.0), url, "application/json").json() == {"title": "A"}
        again = web.get(Service("api", 100.0), url, "application/json")
    assert again.json() == {"title": "A"} and again.status_code == 200
    assert mock.asked[1].headers["If-None-Match"] == '"v1"'


ARXIV_FEED = FIXTURES.parent / "import" / "arxiv-arxivpy-oldstyle-hep-ex_0406020v1.atom.xml"


def test_arxiv_goes_through_the_shared_client_and_its_retries(project, cli, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr("time.sleep", clock.sleep)
    monkeypatch.setattr("time.monotonic", clock)
    root = project()
    url = "https://export.arxiv.org/api/query?id_list=hep-ex/0406020&max_results=1"
    answers = [Answer(url, 503, {"Retry-After": "5"}), Answer(url, body=ARXIV_FEED.read_bytes())]
    with replay(answers=answers) as mock:
        code, out, err = cli(root, "import", "arxiv", "hep-ex/0406020")
        assert mock.asked[1].headers["User-Agent"].startswith("papersite/")
    assert code == 0 and "arXiv API: HTTP 503; retrying in 5 s" in err and clock.slept == [5.0]
    assert len(papers(root)) == 1


def test_arxiv_offline_is_one_problem_and_nothing_written(project, cli, monkeypatch):
    def refuse(*args, **kwargs):
        raise requests.ConnectionError("Failed to resolve 'export.arxiv.org'")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    root = project()
    code, out, err = cli(root, "import", "arxiv", "1706.03762")
    assert code == 1 and papers(root) == []
    assert ("arXiv API: cannot reach export.arxiv.org (Failed to resolve "
            "'export.arxiv.org'); check the network connection") in err


def test_a_file_of_dois_is_read_and_repeats_are_asked_once(project, cli):
    root = project()
    listing = root / "dois.txt"
    listing.write_text(f"{DOI}\nhttps://doi.org/{DOI}\ndoi:{DOI}\n", encoding="utf-8")
    with replay("doi.yaml") as mock:
        code, out, _ = cli(root, "import", "doi", str(listing))
        assert len(mock.asked) == 2
    assert code == 0 and out.splitlines()[-1].startswith("1 created")


def test_update_makes_a_preprint_record_cite_its_published_version_a_later_run_finds(
        project, cli):
    root = project()
    with replay("dblp.yaml", change=before_the_stoc_version):
        assert cli(root, "import", "dblp", "11/1649", "--no-cache")[0] == 0
    preprint = (root / "data/papers" / MERGED).read_bytes()
    assert b"venue: CoRR" in preprint and b"doi: 10.48550/ARXIV.2412.20114" in preprint
    with replay("dblp.yaml"):
        code, out, _ = cli(root, "import", "dblp", "11/1649", "--update", "--no-cache",
                           "--dry-run")
    assert code == 0 and (root / "data/papers" / MERGED).read_bytes() == preprint
    assert ("would merge dblp.org/pid/11/1649.bib:97 (arXiv 2412.20114) into "
            "dblp.org/pid/11/1649.bib:56: one record citing the published version") in out
    with replay("dblp.yaml"):
        code, out, err = cli(root, "import", "dblp", "11/1649", "--update", "--no-cache")
    assert code == 0, err
    assert (f"update data/papers/{MERGED}: cite the published version (type, venue, doi, bib) "
            "(dblp.org/pid/11/1649.bib:56)") in out.splitlines()
    assert "merged dblp.org/pid/11/1649.bib:97 (arXiv 2412.20114) into" in out
    record = yaml.safe_load((root / "data/papers" / MERGED).read_text(encoding="utf-8"))
    assert record["doi"] == "10.1145/3618260.3649616" and record["arxiv"] == "2412.20114"
    assert record["type"] == "inproceedings" and record["bib"]["pages"] == "1396–1404"
    assert "journal" not in record["bib"] and "CoRR" not in str(record)
    assert record["citekey"] == "DBLP:journals/corr/abs-2412-20114"  # the key cited so far


POD22 = "https://dblp.org/db/conf/pods/pods2022.html"


def test_dblp_volume_imports_its_papers_as_the_person_export_would_give_them(project, cli):
    root = project()
    with replay("dblp-pods2022.yaml") as mock:
        code, out, err = cli(root, "import", "dblp", POD22, "--topic", "vision")
        assert [r.url for r in mock.asked] == [
            "https://dblp.org/search/publ/api?q=toc%3Adb/conf/pods/pods2022.bht%3A&h=1000"
            "&format=json"]
    assert code == 0, err
    assert len(papers(root)) == 38
    assert ("dblp.org/db/conf/pods/pods2022 (conf/pods/2022): note: left out: the proceedings "
            "volume itself (its editors), not a paper") in out.splitlines()
    assert out.splitlines()[-1] == ("38 created, 0 updated, 0 already present, 0 not imported "
                                    "(errors), 0 warning(s), 1 note(s)")
    record = yaml.safe_load((root / "data/papers/the-white-box-adversarial-data-stream-model.yml")
                            .read_text(encoding="utf-8"))
    assert record == {
        "title": "The White-Box Adversarial Data Stream Model",
        "authors": ["Miklós Ajtai", "Vladimir Braverman", "T. S. Jayram", "Sandeep Silwal",
                    "Alec Sun", "David P. Woodruff", "Samson Zhou"],
        "date": "2022", "venue": "PODS", "doi": "10.1145/3517804.3526228",
        "citekey": "DBLP:conf/pods/AjtaiBJSSWZ22", "type": "inproceedings",
        "bib": {"booktitle": "PODS", "pages": "15-27"}, "topics": ["vision"],
        "added": record["added"]}


def test_dblp_volume_titles_authors_and_a_hit_without_a_title(project, cli):
    def untitled(uri: str, body: str) -> str:  # the recorded answer, one title taken out
        return body.replace('"title":"Sublinear Algorithms for Gap Edit Distance.",', "")

    root = project()
    with replay("dblp-focs2019.yaml", change=untitled):
        code, out, err = cli(root, "import", "dblp", "db/conf/focs/focs2019", "--dry-run")
    assert code == 1, err  # as any importer: the rest come in, the exit says not all
    assert ("dblp.org/db/conf/focs/focs2019 (conf/focs/GoldenbergKS19): title: not imported: "
            "an item needs a title") in out.splitlines()
    assert out.splitlines()[-1].startswith("91 would be created, 0 would be updated")
    with replay("dblp-focs2019.yaml"):
        candidates, problems = fetch_dblp(["https://dblp.org/db/conf/focs/focs2019"])
    byname = {c.record["citekey"]: c.record for c in candidates}
    assert len(candidates) == 92 and len(problems) == 1  # the volume itself
    assert byname["DBLP:conf/focs/Chen19"]["authors"] == ["Lijie Chen"]  # a single object
    lcs = byname["DBLP:conf/focs/RubinsteinSSS19"]
    assert lcs["authors"] == ["Aviad Rubinstein", "Saeed Seddighin", "Zhao Song", "Xiaorui Sun"]
    assert lcs["title"] == ("Approximation Algorithms for LCS and LIS with Truly Improved "
                            "Running Times")  # DBLP's final period dropped, as its BibTeX has it
    titles = {c.record["title"] for c in candidates}
    assert ("More Barriers for Rank Methods, via a \"numeric to Symbolic\" Transfer" in titles
            and not any("&quot;" in t or "&apos;" in t for t in titles))


def test_dblp_volume_is_asked_page_by_page(project, cli, monkeypatch):
    import json

    from generator.importers import dblp

    recorded = json.loads(recorded_body("dblp-pods2022.yaml"))
    hits = recorded["result"]["hits"]["hit"]
    url = "https://dblp.org/search/publ/api?q=toc%3Adb/conf/pods/pods2022.bht%3A&h=20&format=json"

    def page(part: list, first: int) -> bytes:  # the recorded answer, 20 hits a page
        answer = json.loads(json.dumps(recorded))
        answer["result"]["hits"].update({"hit": part, "@sent": str(len(part)),
                                         "@first": str(first)})
        return json.dumps(answer).encode("utf-8")

    monkeypatch.setattr(dblp, "HITS", 20)
    answers = [Answer(url, body=page(hits[:20], 0)),
               Answer(url + "&f=20", body=page(hits[20:], 20))]
    logged = []
    with replay(answers=answers) as mock:
        candidates, problems = fetch_dblp(["db/conf/pods/pods2022"], logged.append)
        assert len(mock.asked) == 2
    assert logged == ["dblp.org: conf/pods/pods2022: 20 of 39 entries so far"]
    assert [c.record["citekey"] for c in candidates] == [
        f"DBLP:{h['info']['key']}" for h in hits if h["info"]["type"] != "Editorship"]
    assert [p.message[:50] for p in problems] == [
        "left out: the proceedings volume itself (its edito"]


def test_dblp_empty_volume_says_so_and_writes_nothing(project, cli):
    root = project()
    with replay("dblp-icde85.yaml"):
        code, out, err = cli(root, "import", "dblp", "https://dblp.org/db/conf/icde/icde85.html")
    assert code == 0 and papers(root) == []
    assert out.splitlines() == [
        "dblp.org/db/conf/icde/icde85: warning: no papers in that volume: DBLP lists none under "
        "db/conf/icde/icde85 (check the key on the volume's dblp.org page)",
        "0 created, 0 updated, 0 already present, 0 not imported (errors), 1 warning(s)"]


def test_dblp_volumes_from_keys_and_pages_and_what_is_neither():
    from generator.importers.dblp import dblp_volumes

    volumes, problems = dblp_volumes([
        "db/conf/focs/focs2019", "https://dblp.org/db/conf/focs/focs2019.html",
        "https://dblp.uni-trier.de/db/journals/jacm/jacm66.html", "conf/focs/focs2019",
        "https://dblp.org/pid/11/1649.html"])
    assert volumes == ["conf/focs/focs2019", "journals/jacm/jacm66"]
    assert [p.message for p in problems] == [
        f"{v!r} is neither a DBLP volume (db/conf/focs/focs2019) nor its page "
        "(https://dblp.org/db/conf/focs/focs2019.html)"
        for v in ("conf/focs/focs2019", "https://dblp.org/pid/11/1649.html")]


def fetch_dblp(sources: list[str], log=lambda line: None):
    from generator.importers.dblp import fetch

    return fetch(sources, client(FakeClock()), log)


def recorded_body(name: str, index: int = 0) -> str:
    cassette = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return cassette["interactions"][index]["response"]["body"]["string"]


S2_SEARCH = "search:sublinear near optimal edit distance"


def test_semantic_scholar_search_imports_what_it_finds_as_the_author_list_does(project, cli):
    import json

    root = project()
    with replay("semanticscholar-search.yaml") as mock:
        code, out, err = cli(root, "import", "semantic-scholar", S2_SEARCH, "--dry-run")
        assert [(r.url.split("?")[0], r.query) for r in mock.asked] == [(
            "https://api.semanticscholar.org/graph/v1/paper/search",
            sorted({"query": "sublinear near optimal edit distance", "offset": "0",
                    "limit": "100", "fields": FIELDS}.items()))]
    assert code == 0, err
    found = json.loads(recorded_body("semanticscholar-search.yaml"))["data"]
    # two of the 85 share a title (or a DOI) with one listed before them
    assert len(found) == 85 and out.splitlines()[-1].startswith(
        "83 would be created, 0 would be updated, 2 already present")
    from generator.importers.semanticscholar import fetch

    with replay("semanticscholar-search.yaml"):
        candidates, problems = fetch([S2_SEARCH], client(FakeClock()))
    assert problems == [] and [c.label for c in candidates] == [
        f"paper {p['paperId']}" for p in found]
    gap = next(c.record for c in candidates if c.record["title"] == GAP)
    assert gap["arxiv"] == "1910.00901" and gap["doi"] == "10.1109/FOCS.2019.00070"
    assert gap["abstract"].startswith("Abstract—The edit distance is a way of quantifying")


def test_semantic_scholar_search_follows_next_no_further_than_the_search_allows(monkeypatch):
    from generator.importers import semanticscholar

    monkeypatch.setattr(semanticscholar, "SEARCH_MAX", 150)  # asks 100, then the last 50
    base = ("https://api.semanticscholar.org/graph/v1/paper/search?query=edit%20distance"
            f"&fields={FIELDS}")
    body = recorded_body("semanticscholar-search.yaml")
    paged = body.replace('"offset": 0, ', '"offset": 0, "next": 100, ', 1)
    again = body.replace('"offset": 0, ', '"offset": 100, "next": 200, ', 1)
    answers = [Answer(f"{base}&offset=0&limit=100", body=paged.encode()),
               Answer(f"{base}&offset=100&limit=50", body=again.encode())]
    logged = []
    with replay(answers=answers) as mock:
        candidates, problems = semanticscholar.fetch(["search: edit  distance"],
                                                     client(FakeClock()), logged.append)
        assert len(mock.asked) == 2
    assert len(candidates) == 170 and logged == [
        "Semantic Scholar: search 'edit distance': 85 papers so far",
        "Semantic Scholar: search 'edit distance': 170 papers so far"]


def test_a_dblp_hit_of_any_shape_is_read_or_reported_never_a_traceback():
    import json

    from test_sources_services import reshaped

    from generator.importers.dblp import hit_item
    from generator.importers.serviceitems import candidates

    hits = json.loads(recorded_body("dblp-focs2019.yaml"))["result"]["hits"]["hit"]
    tried = 0
    for info in (hits[0]["info"], next(h["info"] for h in hits if h["info"]["title"].endswith(
            "Transfer."))):
        for odd in (*reshaped(info), *({"authors": {"author": [a]}} for a in ODD_AUTHORS)):
            found, problems = candidates([("hit", hit_item(odd))], "dblp")
            assert len(found) + len(problems) == 1
            tried += 1
    assert tried >= 300


ODD_AUTHORS = [None, 1, "x", [], {"text": None}, {"text": ["A B"]}, {"@pid": "1/2"}]
