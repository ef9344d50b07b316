"""The people of a site (a lab's members), declared once in data/people.yml, and which authors
of the records they are.

An author is a person only by what is declared: the ORCID iD (when the record gives the
author's), else one of the person's spellings. A spelling shared by two people, or an author
whose ORCID iD differs from the person's, is no one: a name is never guessed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .facets import name_key
from .model import Origin
from .problems import Problem, display_path
from .records import _unshowable
from .schema import check
from .yamlread import field_label, read_yaml

PROFILES = (("homepage", "Homepage"), ("scholar", "Google Scholar"), ("dblp", "DBLP"),
            ("semantic_scholar", "Semantic Scholar"))
# Authors' keys in the authors facet: a declared person, or an ORCID iD, else the folded name.
# Names cannot hold NUL, so these never meet a name's key.
PERSON, ORCID = "\x00person ", "\x00orcid "
MEMBERS_PAGE = "people/index.md"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    spellings: tuple[str, ...] = ()
    orcid: str | None = None
    role: str | None = None
    homepage: str | None = None
    scholar: str | None = None
    dblp: str | None = None
    semantic_scholar: str | None = None
    photo: tuple[tuple[str, object], ...] = ()  # path, width, height, alt
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def page(self) -> str:
        return person_path(self.id)

    def card(self) -> dict:
        """What pages show of the person: small JSON-able values, part of those pages' inputs."""
        links = [[label, url] for name, label in PROFILES if (url := getattr(self, name))]
        if self.orcid:
            links.append(["ORCID", f"https://orcid.org/{self.orcid}"])
        return {"id": self.id, "name": self.name, "role": self.role, "links": links,
                "photo": dict(self.photo) or None}


def person_path(person_id: str) -> str:
    return f"people/{person_id}.md"


def load_people(path: Path, root: Path, docs_dir: Path) -> tuple[tuple[Person, ...], list[Problem]]:
    """The people declared in path (none when it does not exist), or the problems found."""
    display = display_path(path, root)
    if not path.is_file():
        return (), []
    doc, problems = read_yaml(path, display, "a list of people")
    if doc is None:
        return (), problems
    problems = check(doc, doc.value, (), "people")
    if not problems:
        problems = [p for i, item in enumerate(doc.value)
                    for p in _unshowable(item, Origin(doc, (i,)), ())]
    if problems:
        return (), problems
    people = tuple(_person(item, Origin(doc, (i,))) for i, item in enumerate(doc.value))
    problems = _clashes(people) + _photo_problems(people, docs_dir)
    return ((), problems) if problems else (people, [])


def _person(record: dict, origin: Origin) -> Person:
    values = dict(record)
    values["spellings"] = tuple(values.get("spellings", ()))
    photo = values.get("photo")
    if photo:  # YAML scalars are read as written: the sizes are digits
        photo = {**photo, "width": int(photo["width"]), "height": int(photo["height"])}
    values["photo"] = tuple(photo.items()) if photo else ()
    return Person(**values, origin=origin)


def _clashes(people: tuple[Person, ...]) -> list[Problem]:
    """Two people under one id or one ORCID iD; a spelling two people share, unless both have
    an ORCID iD to tell their papers apart."""
    problems = []
    seen: dict[tuple, Person] = {}
    for person in people:
        for path, value in (("id", person.id), ("orcid", person.orcid)):
            if value is None:
                continue
            first = seen.setdefault((path, value), person)
            if first is not person:
                problems.append(_problem(person, (path,),
                                         f"{value!r} is already the {path} of {first.name!r}"))
        if person.id == "index":
            problems.append(_problem(person, ("id",), "`index` is the members page"))
    for owners in _spelling_owners(people).values():
        if len(owners) > 1 and not all(p.orcid for p, _ in owners):
            person, path = owners[1]
            why = (f"{_spelling(person, path)!r} is also a spelling of {owners[0][0].name!r}: "
                   "give both an orcid to tell their papers apart, or remove one")
            problems.append(_problem(person, path, why))
    return problems


def _spelling(person: Person, path: tuple) -> str:
    return person.name if path == ("name",) else person.spellings[path[1]]


def _problem(person: Person, path: tuple, message: str) -> Problem:
    """A problem at the value under path in the person's entry, named from the file's top."""
    line, col = person.origin.at(*path)
    return Problem(person.origin.file, line, col, field_label(person.origin.prefix + path),
                   message)


def _spelling_owners(people: tuple[Person, ...]) -> dict[str, list[tuple[Person, tuple]]]:
    owners: dict[str, list[tuple[Person, tuple]]] = defaultdict(list)
    for person in people:
        named = [(("name",), person.name)]
        named += [(("spellings", i), s) for i, s in enumerate(person.spellings)]
        for path, spelling in named:
            key = name_key(spelling)
            if all(p is not person for p, _ in owners[key]):
                owners[key].append((person, path))
    return owners


def _photo_problems(people: tuple[Person, ...], docs_dir: Path) -> list[Problem]:
    problems = []
    inside = docs_dir.resolve()
    for person in people:
        photo = dict(person.photo)
        if not photo:
            continue
        path = docs_dir / str(photo["path"])
        if not path.resolve().is_relative_to(inside) or not path.is_file():
            why = f"no file {photo['path']!r} under the docs folder"
            problems.append(_problem(person, ("photo", "path"), why))
    return problems


class People:
    """Which declared person an author is, if any."""

    def __init__(self, people: tuple[Person, ...] = ()):
        self.people = people
        self.by_orcid = {p.orcid: p for p in people if p.orcid}
        self.by_spelling = {key: [p for p, _ in owners]
                            for key, owners in _spelling_owners(people).items()}
        self.keys: dict[tuple[str, str | None], str] = {}  # most names recur

    def person_of(self, name: str, orcid: str | None) -> Person | None:
        if orcid and orcid in self.by_orcid:
            return self.by_orcid[orcid]
        owners = self.by_spelling.get(name_key(name), [])
        if len(owners) != 1:
            return None  # nobody, or a spelling of two people that only an ORCID iD tells apart
        person = owners[0]
        if orcid and person.orcid and orcid != person.orcid:
            return None  # someone else with that name
        return person

    def author_key(self, name: str, orcid: str | None) -> str:
        """One key per person: a declared person, else the ORCID iD, else the folded name."""
        key = self.keys.get((name, orcid))
        if key is None:
            person = self.person_of(name, orcid)
            if person is not None:
                key = PERSON + person.id
            else:
                key = ORCID + orcid if orcid else name_key(name)
            self.keys[(name, orcid)] = key
        return key
