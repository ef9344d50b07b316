"""One rule for "the same title", whichever command adds the paper: `new`, `import listing` and
the format importers skip (or refuse) a title the collection already has in another spelling,
and add a title that differs from it in a word."""

from __future__ import annotations

import pytest

from generator import additions

ABSTRACT = "We study things. " * 20
KNOWN = {"known.yml": "title: Attention Is All You Need\ntopics: [vision]\n"}


def add(cli, root, tmp_path, command: str, title: str) -> tuple[int, str]:
    """Run one command that adds a paper titled title; its exit code and output."""
    if command == "new":
        code, out, err = cli(root, "new", "--title", title, "--topic", "vision")
    elif command == "listing":
        listing = tmp_path / "listing.txt"
        listing.write_text(f"{title}\n\n{ABSTRACT}\n", "utf-8")
        code, out, err = cli(root, "import", "listing", str(listing))
    else:
        bib = tmp_path / "refs.bib"
        bib.write_text(f"@misc{{k, title={{{title}}}, year={{2017}}}}\n", "utf-8")
        code, out, err = cli(root, "import", "bibtex", str(bib), "--topic", "vision")
    return code, out + err


COMMANDS = ["new", "listing", "bibtex"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_title_differing_in_case_and_punctuation_is_the_known_paper(project, cli, tmp_path, command):
    root = project(KNOWN)
    code, out = add(cli, root, tmp_path, command, "Attention is all you need!")
    assert sorted(p.name for p in (root / "data/papers").iterdir()) == ["known.yml"], out
    if command == "new":
        assert code == 1 and "title: already in the collection as data/papers/known.yml" in out
    elif command == "listing":
        assert code == 0 and "0 created, 1 skipped" in out
    else:
        assert code == 0 and "same title as data/papers/known.yml" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_a_title_differing_in_a_word_is_a_new_paper(project, cli, tmp_path, command):
    root = project(KNOWN)
    code, out = add(cli, root, tmp_path, command, "Attention Is Not All You Need")
    assert code == 0, out
    names = sorted(p.name for p in (root / "data/papers").iterdir())
    assert names == ["attention-is-not-all-you-need.yml", "known.yml"]


SAME = [
    ("Attention Is All You Need", "Attention is all you need!"),
    ("Deep  Nets", " deep nets "),
    ("BERT: Pre-training of Deep Bidirectional Transformers", "BERT - Pre training of deep bidirectional transformers."),
    ("Schrödinger Bridges", "Schrodinger bridges"),  # accents, as sources differ in writing them
    ("Schro\u0308dinger Bridges", "Schrödinger Bridges"),  # combining mark or precomposed letter
    ("Straße Networks", "STRASSE networks"),
    ("ＢＥＲＴ ﬁne-tuning", "BERT fine-tuning"),  # full-width letters, ligature (NFKC)
    ("{BERT} Rediscovers the Classical NLP Pipeline", "BERT Rediscovers the Classical NLP Pipeline"),
    ("“Why Should I Trust You?”", '"Why should I trust you"'),
    ("Self\u2013Attention", "Self-attention"),  # en dash, hyphen
    ("Atten\u00adtion Is All You Need", "Attention is all you need"),  # a soft hyphen
    ("$\\alpha$-Net", "α-Net"),  # math as the page shows it
    ("<i>In vivo</i> imaging", "In vivo imaging"),  # Zotero's inline tags
    ("!!!", "!!!"),  # a title of punctuation only is its own
]

DIFFERENT = [
    ("Attention Is All You Need", "Attention Is Not All You Need"),
    ("Programming in C++", "Programming in C"),  # symbols are part of a title's words
    ("x^2 Nets", "x2 Nets"),
    ("中文", "忠文"),  # other scripts are compared as written, not as a transliteration
    ("Мой мир", "Мои мир"),  # й is a letter, not и with an accent
    ("!!!", "???"),
    ("Don't Stop", "Dont Stop"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_titles(a, b):
    assert additions.title_key(a) == additions.title_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_titles(a, b):
    assert additions.title_key(a) != additions.title_key(b)
