"""The listing importer, run on the real seed listing and on small listings."""

from __future__ import annotations

import datetime

from conftest import SEED

from generator.importer import links_in, parse_listing
from generator.yamlread import read_yaml

CHROME = "new\n\nSubscribe\n\nMar 13\n\n"
ABSTRACT = "We study things. " * 20


def test_seed_listing_parses_into_109_papers_and_skips_the_chrome():
    listing, problems = parse_listing(SEED.read_text("utf-8"), "seed")
    entries = listing.entries
    assert problems == []
    assert [line for _, line in listing.chrome] == ["new", "Get trending papers in your email inbox!", "Subscribe",
                                                    "byAK and the research community", "Mar 13"]
    assert len(entries) == 109
    assert entries[0].title.startswith("Efficient LLM Training and Serving")
    assert len({e.title for e in entries}) == 109


def test_urls_become_links_with_trailing_punctuation_stripped():
    text = ("Code at https://github.com/NVlabs/COAT. Demo: (https://omniflatten.github.io/). "
            "See https://github.com/wanghao9610/OV-DINO{https://github.com/wanghao9610/OV-DINO}. "
            "and https://gitlab.com/a/b, also https://github.com/x/y.")
    assert links_in(text) == {
        "code": "https://github.com/NVlabs/COAT",
        "project": "https://omniflatten.github.io/",
        "code-2": "https://github.com/wanghao9610/OV-DINO",
        "code-3": "https://gitlab.com/a/b",
        "code-4": "https://github.com/x/y",
    }


def test_import_writes_records_with_text_unchanged_and_links_moved(project, cli, tmp_path):
    root = project()
    abstract = ABSTRACT + "Code: https://github.com/a/b. Title: No *stars* `ticks` {{ x }}"
    listing = tmp_path / "listing.txt"
    listing.write_text(CHROME + "Paper: One *Star*\n\n" + abstract + "\n\nNo\n\n" + ABSTRACT + "\n", "utf-8")
    code, out, err = cli(root, "import", "listing", str(listing))
    assert code == 0, err
    assert out.splitlines()[-1] == "2 created, 0 skipped"
    doc, problems = read_yaml(root / "data/papers/paper-one-star.yml", "x")
    assert problems == []
    assert doc.value == {"title": "Paper: One *Star*", "abstract": abstract, "links": {"code": "https://github.com/a/b"}}
    assert read_yaml(root / "data/papers/no.yml", "x")[0].value["title"] == "No"


def test_ids_are_unique_and_stable_and_reimport_skips(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    # three titles with one slug (a symbol is a word of a title), then the first one again
    listing.write_text(CHROME + "Deep Nets!\n\n" + ABSTRACT + "\n\nDeep nets++\n\n" + ABSTRACT + "x\n\n"
                       + "Deep-Nets+\n\n" + ABSTRACT + "y\n\ndeep  NETS?\n\n" + ABSTRACT + "z\n", "utf-8")
    code, out, _ = cli(root, "import", "listing", str(listing))
    assert out.splitlines()[-1] == "3 created, 1 skipped"
    assert sorted(p.name for p in (root / "data/papers").iterdir()) == ["deep-nets-2.yml", "deep-nets-3.yml", "deep-nets.yml"]
    assert read_yaml(root / "data/papers/deep-nets-3.yml", "x")[0].value["title"] == "Deep-Nets+"
    first = {p.name: p.read_bytes() for p in (root / "data/papers").iterdir()}
    code, out, _ = cli(root, "import", "listing", str(listing))
    assert code == 0 and out.splitlines()[-1] == "0 created, 4 skipped"
    assert {p.name: p.read_bytes() for p in (root / "data/papers").iterdir()} == first


def test_unexpected_line_inside_the_listing_is_an_error_with_its_line(project, cli, tmp_path):
    listing = tmp_path / "listing.txt"
    listing.write_text(CHROME + "A title\n\n" + ABSTRACT + "\n\nA stray title with no abstract\n", "utf-8")
    code, out, err = cli(project(), "import", "listing", str(listing))
    assert code == 1
    assert f"{listing.as_posix()}:11:1: expected a title line followed by its abstract line" in err
    assert not list((project().joinpath("data/papers")).glob("*.yml"))


def test_new_writes_a_skeleton_with_a_free_id_and_schema_line(project, cli):
    root = project({"attention.yml": "title: Something else\ntopics: [vision]\n"})
    (root / "data/papers/attention.yml").rename(root / "data/papers/attention-is-all-you-need.yml")
    code, out, err = cli(root, "new", "--title", "Attention Is All You Need", "--arxiv", "1706.03762", "--topic", "speech")
    assert code == 0, err
    path = root / "data/papers/attention-is-all-you-need-2.yml"
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../generator/schema/paper.schema.json\n")
    record = read_yaml(path, "x")[0].value
    assert record.pop("added") == datetime.date.today().isoformat()
    assert record == {"title": "Attention Is All You Need", "arxiv": "1706.03762",
                      "topics": ["speech"]}


def test_new_sets_added_to_today_so_the_paper_reaches_the_feeds(project, cli):
    root = project()
    code, _, err = cli(root, "new", "--title", "A Fresh Paper", "--topic", "vision")
    assert code == 0, err
    record = read_yaml(root / "data/papers/a-fresh-paper.yml", "x")[0].value
    assert record["added"] == datetime.date.today().isoformat()


def test_new_refuses_a_bad_arxiv_id_and_a_known_title(project, cli):
    root = project({"a.yml": "title: Known Paper\ntopics: [vision]\n"})
    code, _, err = cli(root, "new", "--title", "T", "--arxiv", "12.3", "--topic", "vision")
    assert code == 1 and "command line: arxiv: expected an arXiv id" in err
    code, _, err = cli(root, "new", "--title", "known  paper", "--topic", "vision")
    assert code == 1 and "command line: title: already in the collection as data/papers/a.yml" in err
    assert sorted(p.name for p in (root / "data/papers").iterdir()) == ["a.yml"]


def test_new_records_pass_validate_and_bad_ones_write_nothing(project, cli):
    root = project({"a.yml": "title: Known\ntopics: [vision]\nabstract: A.\narxiv: 2401.12345\n"})
    code, _, err = cli(root, "new", "--title", "Index", "--topic", "vision")
    assert code == 0, err
    assert (root / "data/papers/index-2.yml").is_file()
    assert cli(root, "validate")[0] == 0
    before = sorted(p.name for p in (root / "data/papers").iterdir())
    code, _, err = cli(root, "new", "--title", "Other", "--arxiv", "2401.12345v2", "--topic", "vision")
    assert code == 1 and "arxiv: duplicate arXiv id '2401.12345': also used at data/papers/a.yml:4" in err
    code, _, err = cli(root, "new", "--title", "bad\x01control", "--topic", "vision")
    assert code == 1 and "command line: title: contains the character U+0001" in err
    assert sorted(p.name for p in (root / "data/papers").iterdir()) == before


def test_links_are_only_urls_the_schema_accepts_with_balanced_parentheses():
    text = "See https://my_lab.example.org/x and https://en.wikipedia.org/wiki/Foo_(bar). Also https://a.example/b|c."
    # `|` needs percent-encoding, which pages do: the schema accepts it; `_` in a host name it does not.
    assert links_in(text) == {"project": "https://en.wikipedia.org/wiki/Foo_(bar)", "project-2": "https://a.example/b|c"}


def test_dry_run_counts_like_the_real_import(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    listing.write_text(CHROME + "Same\n\n" + ABSTRACT + "\n\nsame\n\n" + ABSTRACT + "\n\nOther\n\n" + ABSTRACT + "\n", "utf-8")
    code, out, _ = cli(root, "import", "listing", "--dry-run", str(listing))
    assert out.splitlines()[1:] == [
        f"skipped {listing.as_posix()}:11: already in the collection: same",
        f"would create data/papers/same.yml ({listing.as_posix()}:7)",
        f"would create data/papers/other.yml ({listing.as_posix()}:15)",
        "would create 2 record(s), skip 1 already present; nothing was written",
    ]
    assert not list((root / "data/papers").glob("*.yml"))
    code, out, _ = cli(root, "import", "listing", str(listing))
    assert out.splitlines()[-1] == "2 created, 1 skipped"


def test_import_problems_point_at_the_listing_line(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    listing.write_text(CHROME + "Fine title\n\n" + ABSTRACT + "\n\nBell\x07 title\n\n" + ABSTRACT + "\u2028more\n", "utf-8")
    code, _, err = cli(root, "import", "listing", str(listing))
    assert code == 1
    assert f"{listing.as_posix()}:11:1: title: contains the character U+0007" in err
    assert not list((root / "data/papers").glob("*.yml"))


def test_line_separator_inside_an_abstract_is_not_a_line_break(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    listing.write_text(CHROME + "A title\n\n" + ABSTRACT + "\u2028second part\n", "utf-8")
    code, out, err = cli(root, "import", "listing", str(listing))
    assert code == 0, err
    assert read_yaml(root / "data/papers/a-title.yml", "x")[0].value["abstract"] == ABSTRACT + "\u2028second part"


def test_new_record_validates_strictly_with_the_topic_it_was_given(project, cli):
    root = project({"a.yml": "title: Known\ntopics: [vision]\nabstract: A.\n"})
    code, out, err = cli(root, "new", "--title", "Fresh paper", "--topic", "speech")
    assert code == 0, err
    code, out, err = cli(root, "validate", "--strict")
    assert code == 0 and "warning" not in err, err


def test_new_without_a_topic_and_no_terminal_asks_for_one(project, cli, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    root = project()
    code, _, err = cli(root, "new", "--title", "Fresh paper")
    assert code == 1 and "command line: topic: give --topic ID (repeat for more); known topics: vision, speech" in err
    assert not (root / "data/papers").exists() or not list((root / "data/papers").iterdir())


def test_new_asks_for_the_topic_on_a_terminal(project, cli, monkeypatch):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal("speech\n"))
    root = project()
    code, out, err = cli(root, "new", "--title", "Fresh paper")
    assert code == 0, err
    assert read_yaml(root / "data/papers/fresh-paper.yml", "x")[0].value["topics"] == ["speech"]


def test_short_abstracts_inside_the_listing_are_imported(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    listing.write_text(CHROME + "Long one\n\n" + ABSTRACT + "\n\nShort one\n\nA short description.\n", "utf-8")
    code, out, err = cli(root, "import", "listing", str(listing))
    assert code == 0, err
    assert read_yaml(root / "data/papers/short-one.yml", "x")[0].value["abstract"] == "A short description."


def test_page_chrome_is_reported_not_silently_dropped(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    listing.write_text("Short first\n\nA short abstract.\n\nLong one\n\n" + ABSTRACT + "\n", "utf-8")
    code, out, err = cli(root, "import", "listing", "--dry-run", str(listing))
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"{listing.as_posix()}:1-3: 2 line(s) before the first title taken as page chrome: 'Short first'; ")
    code, out, err = cli(root, "import", "listing", "--from-line", "1", str(listing))
    assert code == 0 and out.splitlines()[-1] == "2 created, 0 skipped", out + err


def test_min_abstract_is_a_setting_and_no_match_says_how_to_fix_it(project, cli, tmp_path):
    root = project()
    listing = tmp_path / "listing.txt"
    listing.write_text("Title one\n\nA description of fifty characters or so, give or take.\n", "utf-8")
    code, _, err = cli(root, "import", "listing", str(listing))
    assert code == 1 and "no title line followed by an abstract line of at least 200 characters" in err and "--from-line" in err
    code, out, err = cli(root, "import", "listing", "--min-abstract", "40", str(listing))
    assert code == 0 and out.splitlines()[-1] == "1 created, 0 skipped", err
