"""The ORCID, Semantic Scholar and OpenAlex importers against recorded real answers of each
service (tests/fixtures/sources/SOURCES.md names where each answer comes from)."""

from __future__ import annotations

import json

import pytest
import requests
import yaml
from sourcetools import FIXTURES, Answer, FakeClock, papers, replay

ORCID_ID = "0000-0002-0613-2229"
EMPTY_ORCID = "0000-0003-1620-1408"  # a researcher with no public works


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> FakeClock:
    """Rate limits waited through on a fake clock: measured, not slept."""
    fake = FakeClock()
    monkeypatch.setattr("time.sleep", fake.sleep)
    monkeypatch.setattr("time.monotonic", fake)
    return fake


def recorded(name: str, index: int) -> dict:
    """The JSON of the index-th answer of a cassette, to check records against."""
    cassette = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return json.loads(cassette["interactions"][index]["response"]["body"]["string"])


def record(root, name: str) -> dict:
    return yaml.safe_load((root / "data" / "papers" / name).read_text(encoding="utf-8"))


def test_orcid_works_become_records_with_their_contributors(project, cli):
    root = project()
    with replay("orcid.yaml") as mock:
        code, out, err = cli(root, "import", "orcid", f"https://orcid.org/{ORCID_ID}",
                             EMPTY_ORCID, "--topic", "vision")
        asked = [c.url for c in mock.asked]
    assert code == 0, err
    assert asked == [f"https://pub.orcid.org/v3.0/{ORCID_ID}/works",
                     f"https://pub.orcid.org/v3.0/{ORCID_ID}/works/89975745,76065020",
                     f"https://pub.orcid.org/v3.0/{EMPTY_ORCID}/works"]
    assert out.splitlines()[-1].startswith("2 created, 0 updated, 0 already present")
    for entry in recorded("orcid.yaml", 1)["bulk"]:
        work = entry["work"]
        title = work["title"]["title"]["value"]
        name = next(p for p in papers(root) if record(root, p)["title"] == title)
        got = record(root, name)
        names = [c["credit-name"]["value"] for c in work["contributors"]["contributor"]]
        assert got["authors"] == names and got["topics"] == ["vision"]
        assert got["doi"] == work["external-ids"]["external-id"][0]["external-id-value"]
        assert got["venue"] == work["journal-title"]["value"] and got["type"] == "article"
        parts = work["publication-date"]
        assert got["date"] == "-".join(parts[k]["value"] for k in ("year", "month", "day"))
        assert f"create data/papers/{name} (orcid.org/{ORCID_ID} (work {work['put-code']}))" in out


def test_orcid_dry_run_writes_nothing_and_a_second_run_finds_both(project, cli):
    root = project()
    with replay("orcid.yaml"):
        code, out, _ = cli(root, "import", "orcid", ORCID_ID, "--dry-run")
    assert code == 0 and papers(root) == [] and out.rstrip().endswith("nothing was written")
    assert out.splitlines()[-1].startswith("2 would be created")
    with replay("orcid.yaml"):
        cli(root, "import", "orcid", ORCID_ID)
    code, out, _ = cli(root, "import", "orcid", ORCID_ID)  # from the HTTP cache
    assert code == 0 and out.splitlines()[-1].startswith("0 created, 0 updated, 2 already")


def test_orcid_ids_are_checked_before_anything_is_asked(project, cli):
    root = project()
    with replay("orcid.yaml") as mock:
        code, out, _ = cli(root, "import", "orcid", "0000-0002-0613-2228", "Di Xu")
        assert len(mock.asked) == 0
    assert code == 1 and papers(root) == []
    assert "command line: '0000-0002-0613-2228' is not an ORCID iD" in out


def test_orcid_unknown_researcher_is_reported_and_others_import(project, cli):
    root = project()
    unknown = Answer("https://pub.orcid.org/v3.0/0000-0002-1825-0097/works", 404)
    with replay("orcid.yaml", answers=[unknown]):
        code, out, _ = cli(root, "import", "orcid", "0000-0002-1825-0097", ORCID_ID)
    assert code == 1 and len(papers(root)) == 2
    assert "ORCID: ORCID iD 0000-0002-1825-0097: not imported: not found (HTTP 404)" in out


AUTHOR = "1723755"


def test_semantic_scholar_author_pages_through_every_paper(project, cli, clock):
    root = project()
    with replay("semanticscholar.yaml") as mock:
        code, out, err = cli(root, "import", "semantic-scholar",
                             f"https://www.semanticscholar.org/author/L.-Cantley/{AUTHOR}")
        offsets = [c.url.split("offset=")[1].split("&")[0] for c in mock.asked]
    assert code == 0, err
    assert offsets == [str(n) for n in range(0, 900, 100)]  # until an answer has no `next`
    assert clock.slept == [1.0] * 8  # the published rate: one request a second
    listed = [p for page in range(9) for p in recorded("semanticscholar.yaml", page)["data"]]
    assert out.splitlines()[-1].startswith(f"{len(listed)} created, 0 updated")
    assert "Semantic Scholar: author 1723755: 16 papers so far" in err
    paper = listed[2]  # "A ‘fast’er way to treat breast cancer"
    got = record(root, "a-fast-er-way-to-treat-breast-cancer.yml")
    assert got["title"] == paper["title"] and got["doi"] == paper["externalIds"]["DOI"]
    assert got["authors"] == [a["name"] for a in paper["authors"]]
    assert got["date"] == paper["publicationDate"] and got["venue"] == paper["journal"]["name"]
    assert got["bib"]["volume"] == paper["journal"]["volume"]


def test_semantic_scholar_paper_by_doi_and_the_api_key_header(project, cli, monkeypatch):
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "k3y")
    root = project()
    with replay("semanticscholar.yaml") as mock:
        code, out, _ = cli(root, "import", "semantic-scholar", "10.1093/mind/lix.236.433")
        assert mock.asked[0].headers["x-api-key"] == "k3y"
    paper = recorded("semanticscholar.yaml", 9)
    got = record(root, "computing-machinery-and-intelligence.yml")
    assert code == 0 and got["title"] == paper["title"] == "Computing Machinery and Intelligence"
    assert got["doi"] == paper["externalIds"]["DOI"] and got["authors"] == ["A. Turing"]
    assert got["venue"] == "Mind" and got["bib"]["pages"] == paper["journal"]["pages"]
    assert got["date"] == "1950-10-01" and got["abstract"] == paper["abstract"]


def test_semantic_scholar_refused_key_is_one_line_and_nothing_written(project, cli):
    root = project()
    refused = Answer("https://api.semanticscholar.org/graph/v1/paper/CorpusId:1?fields="
                     "title,authors,year,publicationDate,venue,journal,externalIds,abstract,"
                     "publicationTypes,citationCount", 403)
    with replay("semanticscholar.yaml", answers=[refused]):
        code, out, err = cli(root, "import", "semantic-scholar", "10.1093/mind/lix.236.433",
                             "CorpusId:1")
    assert code == 1 and out == "" and papers(root) == []
    assert err.startswith("error: Semantic Scholar: HTTP 403 for ") and len(err.splitlines()) == 1
    assert "SEMANTIC_SCHOLAR_API_KEY was refused" in err


def test_a_service_offline_is_one_line_exit_1_and_nothing_written(project, cli, monkeypatch):
    def refuse(*args, **kwargs):
        raise requests.ConnectionError("Failed to resolve 'pub.orcid.org'")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    root = project()
    code, out, err = cli(root, "import", "orcid", ORCID_ID, "--no-cache")
    assert code == 1 and out == "" and papers(root) == []
    assert err.splitlines() == [
        "error: ORCID: cannot reach pub.orcid.org (Failed to resolve 'pub.orcid.org'); check "
        "the network connection and run again (nothing was written)"]


def test_each_service_is_a_function_a_sync_can_call():
    from generator.importers.services import fetch_candidates
    from generator.importers.web import Client, cached_session

    client = Client(cached_session(None), None)
    with replay("orcid.yaml"):
        found, problems = fetch_candidates("orcid", [ORCID_ID], client, print)
    assert problems == [] and sorted(c.label for c in found) == ["work 76065020",
                                                                  "work 89975745"]
    assert {c.record["doi"] for c in found} == {"10.1364/OE.394638", "10.1364/OE.413844"}


WORK = "W2741809807"


def test_openalex_work_by_id_with_the_key_as_a_bearer_token(project, cli, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", "k3y")
    root = project()
    with replay("openalex.yaml") as mock:
        code, out, err = cli(root, "import", "openalex", f"https://openalex.org/{WORK}", WORK,
                             "--topic", "vision")
        assert [c.url for c in mock.asked] == [f"https://api.openalex.org/works/{WORK}"]
        assert mock.asked[0].headers["Authorization"] == "Bearer k3y"
    assert code == 0, err
    assert "OPENALEX_API_KEY" not in err  # a key is set: no word about one
    work = recorded("openalex.yaml", 0)
    got = record(root, papers(root)[0])
    assert got["title"] == work["title"] and got["doi"] == work["doi"].removeprefix(
        "https://doi.org/")
    assert got["authors"] == [a["author"]["display_name"] for a in work["authorships"]]
    assert got["date"] == work["publication_date"] and got["venue"] == "PeerJ"
    assert got["bib"]["volume"] == work["biblio"]["volume"] == "6"
    index = work["abstract_inverted_index"]
    first = min(index, key=lambda word: min(index[word]))
    assert got["abstract"].startswith(f"{first} growing interest in Open Access (OA)")
    assert len(got["abstract"].split()) == sum(len(p) for p in index.values())
    assert f"create data/papers/{papers(root)[0]} (openalex.org ({WORK}))" in out


OPENALEX_AUTHOR = "A5081987607"


def test_openalex_author_works_become_one_record_each(project, cli, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    root = project()
    with replay("openalex-author.yaml") as mock:
        code, out, err = cli(root, "import", "openalex", f"https://openalex.org/{OPENALEX_AUTHOR}",
                             "--topic", "vision")
        assert [c.url for c in mock.asked] == [f"https://api.openalex.org/works?filter="
                                               f"author.id:{OPENALEX_AUTHOR}&per-page=200&cursor=*"]
    assert code == 0, err
    answer = json.loads(yaml.safe_load((FIXTURES / "openalex-author.yaml").read_text(
        encoding="utf-8"))["interactions"][0]["response"]["body"]["string"])
    works = {work["title"]: work for work in answer["results"]}
    assert len(works) == answer["meta"]["count"] == 13
    assert out.splitlines()[-1].startswith("13 created, 0 updated")
    got = {r["title"]: r for r in (record(root, name) for name in papers(root))}
    assert got.keys() == works.keys()
    for title, work in works.items():
        assert "Jeffrey Koury" in got[title]["authors"]
        assert got[title]["authors"] == [a["author"]["display_name"]
                                         for a in work["authorships"]]
        assert got[title]["date"] == work["publication_date"]
        # one work's `doi` was taken out by the fixture's authors (SOURCES.md): `ids` has it
        doi = work["ids"]["doi"].removeprefix("https://doi.org/")
        assert got[title]["doi"] == doi == work.get("doi", work["ids"]["doi"]).removeprefix(
            "https://doi.org/")


def test_openalex_without_a_key_says_how_to_get_one(project, cli, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    root = project()
    with replay("openalex.yaml"):
        code, out, err = cli(root, "import", "openalex", WORK, "--dry-run")
    assert code == 0 and "OpenAlex: no $OPENALEX_API_KEY" in err
    assert "https://openalex.org/settings/api" in err
    refused = Answer("https://api.openalex.org/works?filter=author.id:A5023888391&per-page=200"
                     "&cursor=*", 401)
    with replay("openalex.yaml", answers=[refused]):
        code, out, err = cli(root, "import", "openalex", "author:A5023888391", "--no-cache")
    assert code == 1 and out == "" and papers(root) == []
    assert err.splitlines()[0].startswith("OpenAlex: no $OPENALEX_API_KEY: without a key")
    assert err.splitlines()[1:] == [
        "error: OpenAlex: HTTP 401 for https://api.openalex.org/works?filter=author.id:"
        "A5023888391&per-page=200&cursor=*: an API key is needed; get a free one at "
        "https://openalex.org/settings/api and set $OPENALEX_API_KEY (nothing was written)"]


def test_openalex_sources_are_authors_works_or_dois():
    from generator.importers.openalex import openalex_sources

    pairs, problems = openalex_sources([
        "author:A5023888391", "https://openalex.org/A5023888391", "https://openalex.org/W1",
        "w2741809807", "https://doi.org/10.7717/peerj.4375", "Jason Priem"])
    assert pairs == [("author", "A5023888391"), ("work", "W1"), ("work", "W2741809807"),
                     ("work", "doi:10.7717/peerj.4375")]
    assert [p.message[:14] for p in problems] == ["'Jason Priem' "]


ZOTERO_PAGE = "https://api.zotero.org/users/475425/items/top?format=json&limit=100&start=0"


def test_zotero_public_library_items_become_records(project, cli, monkeypatch):
    monkeypatch.delenv("ZOTERO_API_KEY", raising=False)
    root = project()
    with replay("zotero.yaml") as mock:
        code, out, err = cli(root, "import", "zotero", "https://www.zotero.org/users/475425")
        assert [c.url for c in mock.asked] == [ZOTERO_PAGE]  # 20 items: one page
        headers = mock.asked[0].headers
        assert headers["Zotero-API-Version"] == "3" and "Zotero-API-Key" not in headers
    assert code == 0, err
    items = {i["key"]: i["data"] for i in recorded("zotero.yaml", 0)}
    assert out.splitlines()[-1].startswith(f"{len(items)} created, 0 updated")
    article = items["PQKBRC33"]
    got = record(root, "sherlock-holmes-in-babylon.yml")
    assert got["title"] == article["title"] and got["doi"] == article["DOI"]
    assert got["authors"] == [{"family": article["creators"][0]["lastName"]}]
    assert got["venue"] == article["publicationTitle"] and got["date"] == "1980-05-01"
    assert got["bib"]["pages"] == article["pages"] and got["bib"]["number"] == article["issue"]
    paper = items["85MTWF4F"]  # parsedDate 2007-00-06: the day of an unknown month is dropped
    got = record(root, "effects-initial-plasma-properties-plasma-recovery-plasma.yml")
    assert got["type"] == "inproceedings" and got["date"] == "2007"
    assert got["authors"] == [f"{c['firstName']} {c['lastName']}" for c in paper["creators"]]
    assert got["venue"] == paper["proceedingsTitle"] and got["doi"] == paper["DOI"]


def test_zotero_private_library_needs_a_key_that_can_read_it(project, cli, monkeypatch):
    monkeypatch.setenv("ZOTERO_API_KEY", "k3y")
    root = project()
    page = "https://api.zotero.org/groups/36222/collections/BX9965IJ/items/top?format=json"
    with replay("zotero.yaml", answers=[Answer(f"{page}&limit=100&start=0", 403)]) as mock:
        code, out, err = cli(root, "import", "zotero", "groups/36222/collections/BX9965IJ")
        assert mock.asked[0].headers["Zotero-API-Key"] == "k3y"
    assert code == 1 and out == "" and papers(root) == []
    assert err.splitlines() == [
        f"error: Zotero: HTTP 403 for {page}&limit=100&start=0: the library is private or the "
        "key in $ZOTERO_API_KEY cannot read it; create a key with read access at "
        "https://www.zotero.org/settings/keys (nothing was written)"]


def test_zotero_sources_are_libraries_or_collections():
    from generator.importers.zotero import library_sources

    pairs, problems = library_sources(["users/475425", "https://www.zotero.org/groups/36222",
                                       "users/475425/collections/9KH9TNSJ/items/top", "Z"])
    assert pairs == [("library", "users/475425"), ("library", "groups/36222"),
                     ("library", "users/475425/collections/9KH9TNSJ")]
    assert [p.message[:4] for p in problems] == ["'Z' "]


@pytest.mark.parametrize("service, cassette, source, count", [
    ("orcid", "orcid.yaml", ORCID_ID, 2),
    ("semantic-scholar", "semanticscholar.yaml", f"author:{AUTHOR}", 18),
    ("openalex", "openalex.yaml", WORK, 1),
    ("zotero", "zotero.yaml", "users/475425", 20),
])
def test_dry_run_then_import_then_a_second_run_changes_nothing(project, cli, service, cassette,
                                                               source, count):
    root = project()
    with replay(cassette):
        code, out, _ = cli(root, "import", service, source, "--dry-run")
    assert code == 0 and papers(root) == [] and out.rstrip().endswith("nothing was written")
    assert out.splitlines()[-1].startswith(f"{count} would be created, 0 would be updated")
    with replay(cassette):
        code, out, _ = cli(root, "import", service, source, "--topic", "speech")
    written = {p: (root / "data/papers" / p).read_bytes() for p in papers(root)}
    assert code == 0 and len(written) == count
    assert all(record(root, p)["added"] and record(root, p)["topics"] == ["speech"]
               for p in written)
    with replay(cassette) as mock:
        code, out, _ = cli(root, "import", service, source, "--update")
        assert len(mock.asked) == 0  # every answer from the HTTP cache
    assert out.splitlines()[-1].startswith(f"0 created, 0 updated, {count} already present")
    assert {p: (root / "data/papers" / p).read_bytes() for p in papers(root)} == written


ODD = [None, 0, -1, True, 1.5, "", "x", [], [None], [1, "a"], {}, {"a": 1}, {"value": {}}]


def reshaped(entry: dict):
    """The entry with one field, or one field of a field, given each odd value in turn."""
    for key, value in entry.items():
        for odd in ODD:
            yield {**entry, key: odd}
        for inner in value if isinstance(value, dict) else {}:
            for odd in ODD:
                yield {**entry, key: {**value, inner: odd}}


def recorded_entries():
    from generator.importers import openalex, orcid, semanticscholar, zotero

    yield orcid.work_item, recorded("orcid.yaml", 1)["bulk"][0]["work"]
    yield semanticscholar.paper_item, recorded("semanticscholar.yaml", 0)["data"][0]
    yield openalex.work_item, recorded("openalex.yaml", 0)
    yield zotero.item_of, recorded("zotero.yaml", 0)[1]


def test_an_answer_of_any_shape_is_read_or_reported_never_a_traceback():
    from generator.importers.serviceitems import candidates

    tried = 0
    for read, entry in recorded_entries():
        for odd in reshaped(entry):
            found, problems = candidates([("entry", read(odd))], "service")
            assert len(found) + len(problems) == 1  # the entry is imported or reported
            tried += 1
    assert tried > 2000
