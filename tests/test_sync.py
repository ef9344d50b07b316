"""`sync` against recorded real answers (the cassettes of tests/fixtures/sources/, played by
VCR.py in record mode "none"; no request leaves the machine), and the scheduled workflow that
runs it, its steps run here as far as they run offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml
from conftest import REPO
from sourcetools import FIXTURES, Answer, before_the_stoc_version, replay
from test_workflow import actionlint, check

TOPICS = """\
- id: complexity
  title: Complexity
  description: Lower bounds and algorithms.
- id: physics
  title: Physics
  description: Water and more.
"""
SOURCES = """\
- name: Nutan Limaye on DBLP
  kind: dblp
  person: https://dblp.org/pid/11/1649.html
  topic: complexity
  tags: [lower-bounds]
- kind: doi
  dois: [10.1126/science.169.3946.635]
  topic: physics
"""
PAPER = "data/papers/functional-lower-bounds-algebraic-proofs-symmetry-lifting.yml"
WATER = "data/papers/the-structure-of-ordinary-water.yml"


def recorded(*names: str, **kwargs):
    """The recorded answers of the named cassettes (those of the sources above if none)."""
    return replay(*(names or ("dblp.yaml", "doi.yaml")), **kwargs)


@pytest.fixture
def site(project):
    root = project(topics=TOPICS)
    (root / "data" / "sources.yml").write_text(SOURCES, encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the project but the HTTP cache (git-ignored)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(root).parts}


def records(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "data" / "papers").glob("*.yml"))


def summary(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_new_papers_go_to_the_declared_topic_with_the_declared_tags(site, cli):
    with recorded():
        code, out, err = cli(site, "sync")
    assert code == 0, err
    assert summary(out) == ("63 new, 0 updated, 0 unchanged, 0 with hand edits kept, "
                            "11 preprint(s) merged, 45 listed twice")
    assert f"create {WATER} (doi.org (10.1126/science.169.3946.635)) in topic physics" in out
    water = yaml.safe_load((site / WATER).read_text(encoding="utf-8"))
    assert water["topics"] == ["physics"] and "tags" not in water
    stoc = yaml.safe_load((site / PAPER).read_text(encoding="utf-8"))
    assert stoc["topics"] == ["complexity"] and stoc["tags"] == ["lower-bounds"]
    # the preprint and its published version, one record citing the published one
    assert stoc["doi"] == "10.1145/3618260.3649616" and stoc["arxiv"] == "2412.20114"
    assert len(records(site)) == 63
    state = yaml.safe_load((site / "data/sync-state.yml").read_text(encoding="utf-8"))
    assert sorted(state) == sorted(Path(r).stem for r in records(site))
    assert "topics" not in state[Path(PAPER).stem]  # the curator's fields are not the source's


def test_a_second_sync_changes_no_file(site, cli):
    with recorded():
        cli(site, "sync")
    before = tree(site)
    with recorded() as mock:
        code, out, _ = cli(site, "sync")
        # asked again, not answered from the cache: a daily sync must see each day's changes
        assert len(mock.asked) == 3  # DBLP's list; the DOI's redirect and its answer
    assert code == 0 and tree(site) == before
    assert summary(out) == ("0 new, 0 updated, 63 unchanged, 0 with hand edits kept, "
                            "45 listed twice; no file changed")


def test_an_upstream_change_updates_the_fields_not_edited_by_hand(site, cli):
    with recorded(change=before_the_stoc_version):
        cli(site, "sync")
    day_one = yaml.safe_load((site / PAPER).read_text(encoding="utf-8"))
    assert day_one["doi"] == "10.48550/ARXIV.2412.20114" and day_one["venue"] == "CoRR"
    with recorded():
        code, out, err = cli(site, "sync")
    assert code == 0, err
    assert (f"update {PAPER}: venue, doi, citekey, type, bib.booktitle, bib.pages, "
            "bib.publisher, bib.editor, bib.journal, bib.volume (dblp.org/pid/11/1649.bib:56)"
            ) in out.splitlines()
    assert ("merged dblp.org/pid/11/1649.bib:97 (arXiv 2412.20114) into "
            "dblp.org/pid/11/1649.bib:56: one record citing the published version") in out
    record = yaml.safe_load((site / PAPER).read_text(encoding="utf-8"))
    assert record["doi"] == "10.1145/3618260.3649616" and record["arxiv"] == "2412.20114"
    assert record["type"] == "inproceedings" and record["bib"]["pages"] == "1396–1404"
    assert "journal" not in record["bib"] and record["added"] == day_one["added"]
    assert summary(out).startswith("0 new, 1 updated, 62 unchanged, 0 with hand edits kept")


HAND_EDITED = {
    "citekey: DBLP:journals/corr/abs-2412-20114": "citekey: hakoniemi2024functional",
    "date: '2024'": "date: '2024-12-28'  # the preprint's day",
    "topics:": "# checked by hand\ntopics:",
}


def test_a_hand_edited_field_survives_a_sync(site, cli):
    with recorded(change=before_the_stoc_version):
        cli(site, "sync")
    path = site / PAPER
    text = path.read_text(encoding="utf-8")
    for old, new in HAND_EDITED.items():
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    with recorded():
        code, out, _ = cli(site, "sync")
    assert code == 0
    assert (f"kept hand edits in {PAPER}: citekey (the source's values are in "
            "data/sync-state.yml)") in out.splitlines()
    text = path.read_text(encoding="utf-8")
    for new in HAND_EDITED.values():
        assert new in text  # the edited values, their comments and the curator's own comment
    assert "type: inproceedings" in text and "doi: 10.1145/3618260.3649616" in text
    assert summary(out).startswith("0 new, 1 updated, 62 unchanged, 1 with hand edits kept")
    before = tree(site)
    with recorded():
        code, out, _ = cli(site, "sync")
    assert "kept hand edits" not in out and tree(site) == before  # said once, not every day


def test_a_record_deleted_by_hand_is_not_imported_again(site, cli):
    with recorded():
        cli(site, "sync")
    (site / WATER).unlink()
    before = tree(site)
    with recorded():
        code, out, _ = cli(site, "sync")
    assert code == 0 and tree(site) == before
    assert ("not imported again: doi.org (10.1126/science.169.3946.635): its record "
            "the-structure-of-ordinary-water was deleted by hand (remove its entry from "
            "data/sync-state.yml to import it again)") in out.splitlines()


def test_a_record_in_a_file_of_several_is_reported_not_synced(site, cli):
    several = ("- id: water\n  title: The structure of ordinary water\n"
               "  doi: 10.1126/science.169.3946.635\n  topics: [physics]\n"
               "- id: another\n  title: Another paper\n  topics: [physics]\n")
    (site / "data/papers").mkdir(exist_ok=True)
    (site / "data/papers/water.yml").write_text(several, encoding="utf-8")
    (site / "data/sources.yml").write_text(SOURCES[SOURCES.index("- kind: doi"):], "utf-8")
    before = tree(site)
    with recorded("doi.yaml"):
        code, out, err = cli(site, "sync")
    assert code == 0 and tree(site) == before, out + err
    assert ("data/papers/water.yml: warning: not synced: the file holds a list of records; "
            "sync keeps files of one record") in out.splitlines()


def test_dry_run_reports_and_writes_nothing(site, cli):
    before = tree(site)
    with recorded():
        code, out, _ = cli(site, "sync", "--dry-run")
    assert code == 0 and tree(site) == before
    assert f"would create {WATER} (doi.org (10.1126/science.169.3946.635)) in topic physics" in out
    assert summary(out).endswith("45 listed twice; nothing was written")


ARXIV_FEED = FIXTURES.parent / "import" / "arxiv-arxivpy-oldstyle-hep-ex_0406020v1.atom.xml"


def test_an_arxiv_source_goes_through_the_shared_client(site, cli):
    (site / "data/sources.yml").write_text(
        "- kind: arxiv\n  ids: [hep-ex/0406020]\n  topic: physics\n", encoding="utf-8")
    url = "https://export.arxiv.org/api/query?id_list=hep-ex/0406020&max_results=1"
    with replay(answers=[Answer(url, body=ARXIV_FEED.read_bytes())]) as mock:
        code, out, err = cli(site, "sync")
        assert mock.asked[0].headers["User-Agent"].startswith("papersite/")
    assert code == 0, err
    assert summary(out) == "1 new, 0 updated, 0 unchanged, 0 with hand edits kept"
    state = yaml.safe_load((site / "data/sync-state.yml").read_text(encoding="utf-8"))
    assert [entry["arxiv"] for entry in state.values()] == ["hep-ex/0406020"]


BAD_SOURCES = """\
- kind: google-scholar
  user: a profile
  topic: physics
- kind: dblp
  person: [11/1649, Nutan Limaye]
  topic: biology
  tag: [lower-bounds]
- kind: doi
  topic: physics
- dois: 10.1126/science.169.3946.635
  topic: [physics]
"""


def test_a_bad_sources_file_names_each_problem_and_nothing_is_asked(site, cli):
    (site / "data/sources.yml").write_text(BAD_SOURCES, encoding="utf-8")
    before = tree(site)
    with recorded() as mock:
        code, out, err = cli(site, "sync")
        assert len(mock.asked) == 0
    assert code == 1 and out == "" and tree(site) == before
    lines = err.splitlines()
    assert lines[1:-1] == [
        "data/sources.yml:1:3: kind: expected one of arxiv, dblp, dblp-venue, doi, huggingface, "
        "openalex, orcid, semantic-scholar, semantic-scholar-search, zotero, got 'google-scholar'",
        "data/sources.yml:5:3: person: 'Nutan Limaye' is not a DBLP pid (such as 11/1649) or "
        "profile URL (https://dblp.org/pid/11/1649.html)",
        "data/sources.yml:6:3: topic: unknown topic 'biology'; known topics: complexity, physics",
        "data/sources.yml:7:3: tag: unknown key for a dblp source; expected one of person, "
        "kind, topic, tags, name",
        "data/sources.yml:8:3: dois: missing; a doi source needs DOIs or doi.org URLs",
        "data/sources.yml:10:3: kind: missing; expected one of arxiv, dblp, dblp-venue, doi, "
        "huggingface, openalex, orcid, semantic-scholar, semantic-scholar-search, zotero",
        "data/sources.yml:11:3: topic: expected a topic id, got ['physics']",
    ]
    assert lines[-1] == "7 problem(s) found; nothing was written."


def test_a_sources_file_that_is_no_list_is_refused(site, cli):
    (site / "data/sources.yml").write_text("kind: dblp\nperson: 11/1649\n", encoding="utf-8")
    code, _, err = cli(site, "sync")
    assert code == 1 and ("data/sources.yml:1:1: expected a list of sources (each "
                          "`- kind: ...` with what to fetch and a topic)") in err.splitlines()


def test_no_sources_file_is_nothing_to_sync(project, cli):
    root = project()
    code, out, _ = cli(root, "sync")
    assert code == 0 and out.startswith("no sources declared in data/sources.yml: nothing to sync")


def test_offline_is_one_line_exit_1_and_nothing_written(site, cli, monkeypatch):
    def refuse(*args, **kwargs):
        raise requests.ConnectionError("Failed to resolve 'dblp.org' (Name or service unknown)")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    before = tree(site)
    code, out, err = cli(site, "sync")
    assert code == 1 and out == "" and tree(site) == before
    assert err.splitlines() == [
        "error: dblp.org: cannot reach dblp.org (Failed to resolve 'dblp.org' (Name or service "
        "unknown)); check the network connection and run again (nothing was written)"]


def test_a_failure_after_some_answers_writes_nothing(site, cli):
    refusals = [Answer("https://doi.org/10.1126/science.169.3946.635", 503)] * 5  # each try
    before = tree(site)
    with recorded(answers=refusals):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("generator.importers.web.BACKOFF", 0.0)
            code, out, err = cli(site, "sync")
    assert code == 1 and out == "" and tree(site) == before
    assert err.splitlines()[-1].startswith("error: doi.org: HTTP 503 for https://doi.org/")


WORKFLOW = REPO / ".github" / "workflows" / "sync.yml"
TESTS = Path(__file__).resolve().parent


def test_the_sync_workflow_is_valid_and_runs_daily_and_by_hand():
    assert check(WORKFLOW).returncode == 0
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert all(0 < job["timeout-minutes"] <= 60 for job in workflow["jobs"].values())


def git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Curator", "-c", "user.email=curator@example.org", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def run_steps(project: Path, env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """Each `run` step of the workflow, in order, as the runner runs it (bash, the step's env);
    the install step is left out (this environment has the packages) and the steps that use
    actions need GitHub."""
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    done = []
    for step in workflow["jobs"]["sync"]["steps"]:
        if "run" not in step or step["name"] == "Install":
            continue
        script = project.parent / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        shell = ["--noprofile", "--norc", "-eo", "pipefail"] if step.get("shell") else ["-e"]
        # values from ${{ }} expressions (secrets, the token) are GitHub's: empty here
        step_env = {k: "" if "${{" in str(v) else str(v) for k, v in step.get("env", {}).items()}
        done.append(subprocess.run(["bash", *shell, str(script)], cwd=project,
                                   env={**env, **workflow["env"], **step_env},
                                   capture_output=True, text=True, timeout=300))
        assert done[-1].returncode == 0, (step["name"], done[-1].stdout, done[-1].stderr)
    return done


# Started in every Python process of the steps: answers the recorded responses, as the tests
# in this file do, so the step's command runs as written with no request leaving the machine.
REPLAY = f"""\
import sys
sys.path.insert(0, {str(TESTS)!r})
from test_sync import recorded
REPLAY = recorded()  # kept: were it collected, the replay would end with it
REPLAY.__enter__()
"""
FAKE_GH = """\
#!/bin/sh
# gh as the step calls it: the calls are kept; no pull request is open yet
echo "$*" >> "$GH_LOG"
"""


@pytest.fixture
def runner(site, tmp_path_factory):
    """The project as a clone of a repository (the workflow's checkout) and the environment
    of a runner: a fake `gh`, the recorded answers, a RUNNER_TEMP."""
    work = tmp_path_factory.mktemp("runner")
    (work / "replay").mkdir()
    (work / "replay" / "sitecustomize.py").write_text(REPLAY, encoding="utf-8")
    (work / "bin").mkdir()
    (work / "bin" / "gh").write_text(FAKE_GH, encoding="utf-8")
    (work / "bin" / "gh").chmod(0o755)
    (work / "temp").mkdir()
    (site / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "sync-pull-request", site / "scripts")
    shutil.copy(REPO / ".gitignore", site)  # the HTTP cache is not committed
    git(site, "init", "--quiet", "--initial-branch=main")
    git(site, "add", "-A")
    git(site, "commit", "--quiet", "-m", "The collection and its sources")
    git(work, "init", "--quiet", "--bare", "origin.git")
    git(site, "remote", "add", "origin", str(work / "origin.git"))
    git(site, "push", "--quiet", "origin", "main")
    path = os.pathsep.join([str(work / "bin"), str(Path(sys.executable).parent),
                            os.environ["PATH"]])
    env = {"PATH": path, "HOME": str(work), "PYTHONPATH": str(work / "replay"),
           "RUNNER_TEMP": str(work / "temp"), "GITHUB_REF_NAME": "main",
           "GH_LOG": str(work / "gh.log")}
    return site, work, env


def test_the_workflow_opens_a_pull_request_with_the_new_records_then_none(runner):
    project, work, env = runner
    steps = run_steps(project, env)
    assert steps[0].stdout.splitlines()[-1].startswith("63 new, 0 updated")
    origin = work / "origin.git"
    changed = git(origin, "diff", "--name-status", "main", "sync/sources").splitlines()
    assert len(changed) == 64 and f"A\t{WATER}" in changed and "A\tdata/sync-state.yml" in changed
    assert all(line.startswith("A\tdata/") for line in changed)
    calls = (work / "gh.log").read_text(encoding="utf-8").splitlines()
    assert calls[0] == "pr list --head sync/sources --base main --state open --json number " \
                       "--jq .[].number"
    assert calls[1].startswith("pr create --base main --head sync/sources --title Sync: 63 new")
    body = (work / "temp" / "sync-pull-request.md").read_text(encoding="utf-8")
    assert body.startswith("```text\n") and body.endswith("45 listed twice\n```\n")
    assert f"create {WATER} (doi.org (10.1126/science.169.3946.635)) in topic physics" in body
    # the pull request is merged; the next day's run finds nothing new
    git(project, "checkout", "--quiet", "main")
    git(project, "merge", "--quiet", "--ff-only", "sync/sources")
    branch = git(origin, "rev-parse", "sync/sources")
    steps = run_steps(project, env)
    assert steps[0].stdout.splitlines()[-1].endswith("; no file changed")
    assert steps[-1].stdout == "nothing changed under data/: no pull request\n"
    assert len((work / "gh.log").read_text(encoding="utf-8").splitlines()) == 2
    assert git(origin, "rev-parse", "sync/sources") == branch
    assert git(project, "status", "--porcelain") == ""


def test_changed_fields_are_written_in_place_in_a_file_formatted_by_hand():
    from generator.sync_state import MISSING
    from generator.sync_text import set_fields

    text = ("# checked\r\ntitle: A\r\nabstract: |\r\n  one\r\n\r\n  two\r\n"
            "authors: [X, Y]  # who\r\nbib:\r\n  pages: '1'\r\n  note: n\r\ndate: '2024'\r\n")
    fields = {"abstract": "new", "authors": ["Z"], "bib": {"pages": "2", "note": "n"},
              "venue": "V", "date": MISSING}
    assert set_fields(text, fields) == ("# checked\r\ntitle: A\r\nabstract: new\r\nauthors:\r\n"
                                        "- Z\r\nbib:\r\n  pages: '2'\r\n  note: n\r\nvenue: V\r\n")
    assert set_fields("- title: A\n- title: B\n", {"title": "C"}) is None  # a list of records


def test_the_readme_sources_example_is_valid(tmp_path):
    from generator.sync_config import load_sources

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Keeping in sync"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", 1)]
    (tmp_path / "sources.yml").write_text(example, encoding="utf-8")
    sources = load_sources(tmp_path, tmp_path, {"complexity", "physics"})
    assert [(s.kind, s.values, s.topic) for s in sources] == [
        ("dblp", ("11/1649",), "complexity"),
        ("doi", ("10.1126/science.169.3946.635",), "physics"),
        ("arxiv", ("2412.20114",), "complexity"),
        ("orcid", ("0000-0002-0613-2229",), "physics"),
        ("zotero", ("groups/36222",), "physics")]


def test_every_service_import_can_be_a_sync_source():
    from generator.importers.services import SERVICES
    from generator.sync_kinds import KINDS

    # and two kinds of one import's other forms: a DBLP volume, a Semantic Scholar search
    assert set(SERVICES) | {"arxiv", "dblp-venue", "semantic-scholar-search"} == set(KINDS)


SERVICE_SOURCES = """\
- kind: orcid
  person: https://orcid.org/0000-0002-0613-2229
  topic: physics
- kind: zotero
  library: users/475425
  topic: complexity
"""


def test_orcid_and_zotero_sources_sync_then_change_nothing(site, cli, monkeypatch):
    monkeypatch.delenv("ZOTERO_API_KEY", raising=False)
    (site / "data" / "sources.yml").write_text(SERVICE_SOURCES, encoding="utf-8")
    with recorded("orcid.yaml", "zotero.yaml"):
        code, out, err = cli(site, "sync")
    assert code == 0, err
    assert summary(out).startswith("22 new, 0 updated, 0 unchanged"), out
    before = tree(site)
    with recorded("orcid.yaml", "zotero.yaml"):
        code, out, err = cli(site, "sync")
    assert code == 0, err
    assert summary(out).startswith("0 new, 0 updated, 22 unchanged"), out
    assert tree(site) == before


S2_SEARCH = """\
- kind: semantic-scholar-search
  query: sublinear near optimal edit distance
  topic: complexity
"""
FOCS_2019 = """\
- kind: dblp-venue
  volume: https://dblp.org/db/conf/focs/focs2019.html
  topic: complexity
"""
BOTH_VERSIONS = {  # title: (arXiv id, DOI, pages), as the two services give them
    "Sublinear Algorithms for Gap Edit Distance": ("1910.00901", "10.1109/FOCS.2019.00070",
                                                   "1101-1120"),
    "Approximation Algorithms for LCS and LIS with Truly Improved Running Times": (
        "2111.10538", "10.1109/FOCS.2019.00071", "1121-1145"),
}


@pytest.mark.parametrize("dblp_first", [False, True])
def test_one_paper_from_two_services_is_one_record_in_either_order(site, cli, dblp_first):
    sources = FOCS_2019 + S2_SEARCH if dblp_first else S2_SEARCH + FOCS_2019
    (site / "data/sources.yml").write_text(sources, encoding="utf-8")
    cassettes = ("semanticscholar-search.yaml", "dblp-focs2019.yaml")
    with recorded(*cassettes):
        code, out, err = cli(site, "sync", "--dry-run")
    assert code == 0, err
    assert sum("would merge" in line and "the same paper" in line
               for line in out.splitlines()) == 2
    with recorded(*cassettes):
        code, out, err = cli(site, "sync")
    assert code == 0, err
    found = yaml.safe_load((FIXTURES / cassettes[0]).read_text(encoding="utf-8"))
    answer = json.loads(found["interactions"][0]["response"]["body"]["string"])
    abstracts = {p["title"]: p["abstract"] for p in answer["data"]}
    by_title = {}
    for name in records(site):
        record = yaml.safe_load((site / "data/papers" / name).read_text(encoding="utf-8"))
        by_title.setdefault(record["title"], []).append(record)
    for title, (arxiv, doi, pages) in BOTH_VERSIONS.items():
        [record] = by_title[title]
        assert (record["arxiv"], record["doi"], record["bib"]["pages"]) == (arxiv, doi, pages)
        assert record["abstract"] == abstracts[title]  # S2's: DBLP gives none
        assert record["citekey"].startswith("DBLP:conf/focs/")
        assert record["type"] == ("inproceedings" if dblp_first else "article")
        line = (f"merged {'semanticscholar.org' if dblp_first else 'dblp.org'}")
        assert any(m.startswith(line) and f"(DOI {doi}, arXiv {arxiv})" in m
                   for m in out.splitlines())
    assert ", 2 preprint(s) merged" in summary(out)
    before = tree(site)
    with recorded(*cassettes):
        code, out, err = cli(site, "sync", "--no-cache")
    assert code == 0, err
    assert summary(out).endswith("; no file changed") and tree(site) == before


def test_a_volume_or_query_source_written_wrong_is_named_before_anything_is_asked(site, cli):
    (site / "data/sources.yml").write_text(
        FOCS_2019.replace("https://dblp.org/db/", "") + S2_SEARCH.replace(
            "query: sublinear near optimal edit distance", "query: ['']"), encoding="utf-8")
    with recorded("semanticscholar-search.yaml", "dblp-focs2019.yaml") as mock:
        code, out, err = cli(site, "sync")
        assert len(mock.asked) == 0
    assert code == 1 and out == ""
    assert err.splitlines()[1:-1] == [
        "data/sources.yml:2:3: volume: 'conf/focs/focs2019.html' is neither a DBLP volume "
        "(db/conf/focs/focs2019) nor its page (https://dblp.org/db/conf/focs/focs2019.html)",
        "data/sources.yml:5:3: query: expected a text or a list of texts, got ['']"]
