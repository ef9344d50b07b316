"""Every error and warning of `validate`, with the exact shape of its message."""

from __future__ import annotations

import pytest

GOOD = "title: A paper\ntopics: [vision]\nabstract: Text.\n"

# (files under data/papers/, one expected line of stderr)
ERRORS = [
    ("yaml-syntax", {"x.yml": "title: [unclosed\n"}, "data/papers/x.yml:2:1: YAML syntax error:"),
    ("missing-title", {"x.yml": "topics: [vision]\nabstract: Text.\n"}, "data/papers/x.yml:1:1: title: required field is missing"),
    ("unknown-field", {"x.yml": GOOD + "abstrct: Typo.\n"}, "data/papers/x.yml:4:1: abstrct: unknown field (did you mean `abstract`?)"),
    ("authors-string", {"x.yml": GOOD + "authors: Ada Lovelace\n"},
     "data/papers/x.yml:4:1: authors: expected a list of names, got 'Ada Lovelace'"),
    ("author-mapping-without-name", {"x.yml": GOOD + "authors:\n  - affiliation: Lab\n"},
     "data/papers/x.yml:5:5: authors[0]: expected a name, or a mapping with `name`, `family` or"
     " `literal`, got a mapping"),
    ("topics-string", {"x.yml": "title: T\ntopics: vision\n"}, "data/papers/x.yml:2:1: topics: expected a list of topic ids, got 'vision'"),
    ("arxiv-malformed", {"x.yml": GOOD + "arxiv: 2401.1\n"},
     "data/papers/x.yml:4:1: arxiv: expected an arXiv id like 2401.12345, 2401.12345v2 or cs/0101001, got '2401.1'"),
    ("doi-malformed", {"x.yml": GOOD + "doi: doi:10.1/x\n"}, "data/papers/x.yml:4:1: doi: expected a DOI like 10.1234/abc.5678, got 'doi:10.1/x'"),
    ("date-malformed", {"x.yml": GOOD + "date: 13/03/2024\n"},
     "data/papers/x.yml:4:1: date: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '13/03/2024'"),
    ("date-not-in-calendar", {"x.yml": GOOD + "date: 2023-02-30\n"}, "data/papers/x.yml:4:1: date: '2023-02-30' is not a date in the calendar"),
    ("date-year-zero", {"x.yml": GOOD + "date: 0000-05\n"},
     "data/papers/x.yml:4:1: date: '0000-05': there is no year 0000"),
    ("added-year-zero", {"x.yml": GOOD + "added: '0000'\n"},
     "data/papers/x.yml:4:1: added: '0000': there is no year 0000"),
    ("date-range-to-year-zero", {"x.yml": GOOD + "date: 0001/0000\n"},
     "data/papers/x.yml:4:1: date: '0001/0000': there is no year 0000"),
    ("url-javascript", {"x.yml": GOOD + "links:\n  code: javascript:alert(1)\n"},
     "data/papers/x.yml:5:3: links.code: expected an http:// or https:// URL without spaces or quotes, got 'javascript:alert(1)'"),
    ("url-data", {"x.yml": GOOD + "links:\n  pdf: data:text/html,hi\n"}, "data/papers/x.yml:5:3: links.pdf: expected an http:// or https://"),
    ("url-file", {"x.yml": GOOD + "links:\n  pdf: file:///etc/passwd\n"}, "data/papers/x.yml:5:3: links.pdf: expected an http:// or https://"),
    ("duplicate-id", {"a.yml": GOOD, "b.yml": "id: a\n" + GOOD},
     "data/papers/b.yml:1:1: id: duplicate id 'a': also used at data/papers/a.yml:1"),
    ("duplicate-arxiv", {"a.yml": GOOD + "arxiv: 2401.12345\n", "b.yml": GOOD + "arxiv: 2401.12345v2\n"},
     "data/papers/b.yml:4:1: arxiv: duplicate arXiv id '2401.12345': also used at data/papers/a.yml:4"),
    ("duplicate-doi", {"a.yml": GOOD + "doi: 10.1000/ABC\n", "b.yml": GOOD + "doi: 10.1000/abc\n"},
     "data/papers/b.yml:4:1: doi: duplicate DOI '10.1000/abc': also used at data/papers/a.yml:4"),
    # BibTeX compares keys ignoring case: a second entry under the key would take another's \cite
    ("duplicate-citekey",
     {"a.yml": GOOD + "citekey: Smith2020\n", "b.yml": GOOD + "citekey: smith2020\n"},
     "data/papers/b.yml:4:1: citekey: duplicate citekey 'smith2020': "
     "also used at data/papers/a.yml:4"),
    ("unknown-topic", {"x.yml": "title: T\nabstract: A.\ntopics: [vision, robots]\n"},
     "data/papers/x.yml:3:18: topics[1]: unknown topic 'robots'; known topics: speech, vision"),
    ("unsafe-id", {"x.yml": "id: ../etc\n" + GOOD}, "data/papers/x.yml:1:1: id: expected lowercase letters, digits and single hyphens"),
    ("unsafe-file-name", {"Bad Name.yml": GOOD}, "data/papers/Bad Name.yml:1:1: file name 'Bad Name' is not a valid id"),
    ("reserved-id", {"con.yml": GOOD}, "data/papers/con.yml:1:1: file name 'con' is reserved"),
    ("empty-file", {"x.yml": "\n# nothing\n"}, "data/papers/x.yml: file is empty: expected a paper record"),
    ("control-character-in-key", {"x.yml": GOOD + 'links:\n  "sl\\x07ides": https://example.org/\n'},
     "data/papers/x.yml:5:3: links.sl\x07ides: contains the character U+0007"),
    # XML forbids U+FFFE and U+FFFF: YAML lets them in as escapes; the feeds' writer stops on them
    ("xml-forbidden-in-title", {"x.yml": 'title: "A\\uFFFE"\ntopics: [vision]\n'},
     "data/papers/x.yml:1:1: title: contains the character U+FFFE at position 2, which cannot"),
    ("xml-forbidden-in-abstract", {"x.yml": 'title: T\ntopics: [vision]\nabstract: "abc\\uFFFF"\n'},
     "data/papers/x.yml:3:1: abstract: contains the character U+FFFF at position 4"),
    ("xml-forbidden-in-author", {"x.yml": GOOD + 'authors: ["Ada", {name: "B\\uFFFE"}]\n'},
     "data/papers/x.yml:4:19: authors[1].name: contains the character U+FFFE at position 2"),
    # a bidirectional override left open reorders what a page shows after the value
    ("bidi-override-left-open", {"x.yml": GOOD + 'tags: ["ok", "\\u202Egat"]\n'},
     "data/papers/x.yml:4:14: tags[1]: the character U+202E at position 1 opens a right-to-left"),
    ("bidi-isolate-left-open", {"x.yml": GOOD + 'venue: "Venue \\u2067\\u202Ax\\u202C"\n'},
     "data/papers/x.yml:4:1: venue: the character U+2067 at position 7 opens"),
    # the `bibtex` override goes into papers.bib as written: one entry, under the record's own key
    ("bibtex-second-entry",
     {"x.yml": GOOD + "citekey: mine\nbibtex: |\n  @misc{mine, t = {A}}\n  @misc{x, t = {B}}\n"},
     "data/papers/x.yml:5:1: bibtex: line 2: a second entry follows the first: give one entry"),
    ("bibtex-other-key", {"x.yml": GOOD + "citekey: mine\nbibtex: '@misc{theirs, title = {A}}'\n"},
     "data/papers/x.yml:5:1: bibtex: the entry's key is 'theirs'; expected the record's citation "
     "key 'mine' (set `citekey:`"),
    ("bibtex-made-up-key", {"x.yml": GOOD + "bibtex: '@misc{theirs, title = {A}}'\n"},
     "data/papers/x.yml:4:1: bibtex: the entry's key is 'theirs'; expected the record's citation "
     "key 'paper'"),
    ("bibtex-unclosed", {"x.yml": GOOD + "citekey: mine\nbibtex: '@misc{mine, title = {A}'\n"},
     "data/papers/x.yml:5:1: bibtex: line 1: expected `,` or `}` after the value of `title`, found "
     "the end of the entry: it is never closed"),
    ("bibtex-text-after", {"x.yml": GOOD + "citekey: mine\nbibtex: '@misc{mine, title = {A}} }'\n"},
     "data/papers/x.yml:5:1: bibtex: line 1: only blank space and `%` comment lines may follow"),
    ("bibtex-entry-in-a-value",
     {"x.yml": GOOD + "citekey: mine\nbibtex: |\n  @misc{mine, note = {x\n  @misc{o, t = {B}}}}\n"},
     "data/papers/x.yml:5:1: bibtex: line 2: `@` inside the value of `note`: some readers start"),
    ("bibtex-string", {"x.yml": GOOD + "citekey: mine\nbibtex: '@string{mine, x = {A}}'\n"},
     "data/papers/x.yml:5:1: bibtex: expected one BibTeX entry such as @article, got @string"),
    ("raw-control-character", {"x.yml": "title: T\nabstract: a\x01b\n"}, "data/papers/x.yml:2:12: character U+0001 is not allowed in YAML"),
    ("latin-1", {"x.yml": "title: Caf\xe9\n".encode("latin-1")}, "data/papers/x.yml:1:11: expected UTF-8 text, found byte 0xe9"),
    ("utf-16", {"x.yml": "title: T\n".encode("utf-16")}, "data/papers/x.yml:1:1: expected UTF-8 text, found a UTF-16 byte-order mark"),
]

WARNINGS = [
    ("no-topic", {"x.yml": "title: T\nabstract: A.\n"}, "data/papers/x.yml:1:1: warning: paper has no topic"),
    ("topic-without-papers", {"x.yml": GOOD}, "data/topics.yml:5:3: warning: id: topic 'speech' has no papers"),
    ("missing-local-pdf", {"x.yml": GOOD + "links:\n  pdf: papers/a b.pdf\n"},
     "data/papers/x.yml:5:3: warning: links.pdf: no file docs/papers/a b.pdf: the PDF link would "
     "lead nowhere"),
]


@pytest.mark.parametrize("name, papers, expected", ERRORS, ids=[c[0] for c in ERRORS])
def test_error_is_reported_with_file_line_and_field(project, cli, name, papers, expected):
    speech = {"s.yml": "title: S\ntopics: [speech]\nabstract: A.\n"}
    code, out, err = cli(project({**speech, **papers}), "validate")
    assert code == 1
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert "Traceback" not in err
    assert err.rstrip().endswith("nothing was written.")


@pytest.mark.parametrize("name, papers, expected", WARNINGS, ids=[c[0] for c in WARNINGS])
def test_warning_passes_but_fails_under_strict(project, cli, name, papers, expected):
    root = project(papers)
    code, out, err = cli(root, "validate")
    assert code == 0 and expected in err.splitlines()
    code, out, err = cli(root, "validate", "--strict")
    assert code == 1 and expected in err.splitlines()


def test_all_problems_are_reported_at_once(project, cli):
    papers = {f"bad-{i}.yml": f"title: T{i}\ntopics: [vision]\nabstract: A.\nauthors: Someone\n" for i in range(10)}
    code, _, err = cli(project(papers), "validate")
    lines = [line for line in err.splitlines() if "authors: expected a list of names" in line]
    assert code == 1 and len(lines) == 10


def test_good_collection_passes_strict(project, cli):
    papers = {
        "a.yml": "title: A\ntopics: [vision]\nabstract: A.\n",
        "b.yml": "title: B\ntopics: [speech]\nabstract: B.\n",
    }
    code, out, err = cli(project(papers), "validate", "--strict")
    assert (code, err) == (0, "")
    assert out == "ok: 2 papers, 2 topics\n"



def test_the_sources_sync_reads_are_checked_with_the_records(project, cli):
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\n",
                    "b.yml": "title: B\ntopics: [speech]\nabstract: B.\n"})
    sources = root / "data" / "sources.yml"
    sources.write_text("- kind: doi\n  dois: [10.1126/science.169.3946.635]\n  topic: vision\n"
                       "- kind: dblp\n  person: https://dblp.org/pid/11/1649.html\n"
                       "  topic: nowhere\n", encoding="utf-8")
    code, out, err = cli(root, "validate")
    assert code == 1 and out == ""
    assert "data/sources.yml:6" in err and "nowhere" in err, err
    sources.write_text(sources.read_text("utf-8").replace("nowhere", "vision"), "utf-8")
    code, out, err = cli(root, "validate", "--strict")
    assert (code, err) == (0, ""), err
    assert out == "ok: 2 papers, 2 topics, 2 sources\n"


TOPIC_ERRORS = [
    ("missing-description", "- id: vision\n  title: Vision\n", "data/topics.yml:1:3: [0].description: required field is missing"),
    ("unknown-parent", TOPICS_EXTRA := "- id: vision\n  title: V\n  description: D.\n  parent: nowhere\n",
     "data/topics.yml:4:3: parent: unknown topic 'nowhere'"),
    ("duplicate-topic", "- id: vision\n  title: V\n  description: D.\n- id: vision\n  title: W\n  description: E.\n",
     "data/topics.yml:4:3: id: duplicate topic id 'vision': also used at data/topics.yml:1"),
    ("reserved-topic-id", "- id: index\n  title: V\n  description: D.\n", "data/topics.yml:1:3: id: 'index' is reserved"),
    ("empty-topics-file", "", "data/topics.yml: file is empty: expected a list of topics"),
    ("blank-description", "- id: vision\n  title: V\n  description: '  '\n", "data/topics.yml:3:3: [0].description: expected a non-empty description"),
    ("xml-forbidden-in-title", '- id: vision\n  title: "Vi\\uFFFF"\n  description: D.\n',
     "data/topics.yml:2:3: title: contains the character U+FFFF at position 3, which cannot"),
    ("not-a-list", "vision: Vision\n", "data/topics.yml:1:1: expected a list of topics, got a mapping"),
]


@pytest.mark.parametrize("name, topics, expected", TOPIC_ERRORS, ids=[c[0] for c in TOPIC_ERRORS])
def test_topic_errors(project, cli, name, topics, expected):
    code, _, err = cli(project({"x.yml": GOOD}, topics=topics), "validate")
    assert code == 1
    assert any(line.startswith(expected) for line in err.splitlines()), err


def test_bad_data_gives_no_traceback_from_the_console_script(project):
    import subprocess
    import sys

    root = project({"x.yml": b"title: [\xff\n", "y.yml": "- title: no id in a list\n"})
    result = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "data/papers/x.yml:1:9: expected UTF-8 text, found byte 0xff" in result.stderr
    assert "data/papers/y.yml:1:3: id: required for each record in a file that holds a list" in result.stderr


def test_missing_abstract_is_a_counted_note_that_never_fails_strict(project, cli):
    root = project({"x.yml": "title: T\ntopics: [vision]\n", "y.yml": "title: U\ntopics: [speech]\n"})
    code, out, err = cli(root, "validate", "--strict")
    assert code == 0, err
    assert err.splitlines() == ["note: papers with no abstract: 2 (data/papers/x.yml, data/papers/y.yml)"]


def test_files_in_data_that_are_not_records_are_named_not_skipped_silently(project, cli):
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\n", "c.YML": "title: C\n", "notes.txt": "todo\n", ".gitkeep": ""})
    code, _, err = cli(root, "validate")
    assert code == 0
    assert "data/papers/c.YML: warning: not read: record files end in .yml or .yaml" in err
    assert "data/papers/notes.txt: warning: not read" in err and ".gitkeep" not in err


def test_text_is_read_as_nfc_so_both_spellings_of_an_accent_are_one(project, cli):
    from generator.collection import load_collection

    root = project({"a.yml": 'title: "Cafe\\u0301 society"\ntopics: [vision]\nabstract: A.\ntags: ["re\\u0301sume\\u0301"]\n',
                    "b.yml": "title: Other\ntopics: [vision]\nabstract: B.\ntags: [résumé]\n"})
    collection, _ = load_collection(root / "data", root)
    paper = next(p for p in collection.papers if p.id == "a")
    assert paper.title == "Café society" and len(paper.title) == len("Café society")
    assert paper.tags == ("résumé",)


def test_a_failed_run_starts_with_the_counts(project, cli):
    root = project({
        "a.yml": "title: A\ntopics: [nope]\n",
        "b.yml": "title: B\ntopics: [vision]\n",
        "c.yml": "title: C\ntopics: [vision]\nabstract: C.\ndate: 2024-13\n",
    })
    code, _, err = cli(root, "validate")
    assert code == 1
    # speech has no paper (a warning); a and b have no abstract (notes)
    assert err.splitlines()[0] == "2 errors, 1 warning, 2 notes in 3 record files", err
    code, _, err = cli(root, "validate", "--strict")
    assert err.splitlines()[0] == "3 errors, 0 warnings, 2 notes in 3 record files", err


def test_a_bibtex_override_under_the_records_key_passes_strict(project, cli):
    bibtex = ("bibtex: |\n  @article{mine,\n    note = {a {nested} {\\char64} sign},\n  }\n"
              "  % as written\n")
    speech = "title: S\ntopics: [speech]\nabstract: A.\n"
    root = project({"x.yml": GOOD + "citekey: mine\n" + bibtex, "s.yml": speech})
    code, out, err = cli(root, "validate", "--strict")
    assert (code, err) == (0, ""), err
