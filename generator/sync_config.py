"""The sources `sync` follows, declared once in data/sources.yml: a list of sources, each a
kind (one of sync_kinds.KINDS), what to fetch under that kind's own key, the topic new papers
go to and, if wanted, tags they get. Every problem of the file is found before anything is
asked of a service, and each names its line and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import DataError, Problem, display_path
from .sync_kinds import KINDS
from .yamlread import Document, read_yaml

SOURCES_FILE = "sources.yml"
COMMON_KEYS = ("kind", "topic", "tags", "name")


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    values: tuple[str, ...]
    topic: str
    tags: tuple[str, ...] = ()


def sources_path(data_dir: Path) -> Path:
    return data_dir / SOURCES_FILE


def load_sources(data_dir: Path, root: Path, topics: set[str]) -> list[Source]:
    """The declared sources ([] when there is no sources file); DataError naming every
    problem of the file."""
    path = sources_path(data_dir)
    if not path.is_file():
        return []
    display = display_path(path, root)
    doc, problems = read_yaml(path, display, "a list of sources")
    if doc is None:
        raise DataError(problems)
    if not isinstance(doc.value, list):
        why = "expected a list of sources (each `- kind: ...` with what to fetch and a topic)"
        raise DataError([Problem(display, 1, 1, "", why)])
    sources = [_source(doc, n, topics, problems) for n in range(len(doc.value))]
    if problems:
        raise DataError(problems)
    return [s for s in sources if s is not None]


def _source(doc: Document, n: int, topics: set[str], problems: list[Problem]) -> Source | None:
    item = doc.value[n]

    def refuse(key: str | None, why: str) -> None:
        line, column = doc.mark((n, key) if key else (n,))
        problems.append(Problem(doc.file, line, column, key or "", why))

    if not isinstance(item, dict):
        return refuse(None, "expected a source: a mapping with `kind`, what to fetch and "
                      "`topic`")
    before = len(problems)
    kind = _kind(item, refuse)
    values = _values(item, kind, refuse) if kind else ()
    topic = _topic(item, topics, refuse)
    tags = _strings(item, "tags", refuse, required=False)
    name = item.get("name")
    if name is not None and not isinstance(name, str):
        refuse("name", f"expected a text, got {_shown(name)}")
    if kind:
        for key in sorted(set(item) - {*COMMON_KEYS, KINDS[kind].param}):
            keys = ", ".join((KINDS[kind].param, *COMMON_KEYS))
            refuse(key, f"unknown key for a {kind} source; expected one of {keys}")
    if len(problems) > before:
        return None
    return Source(name or f"{kind} {', '.join(values)}", kind, values, topic, tags)


def _kind(item: dict, refuse) -> str | None:
    kind, known = item.get("kind"), ", ".join(sorted(KINDS))
    if kind is None:
        return refuse(None, f"kind: missing; expected one of {known}")
    if kind not in KINDS:
        return refuse("kind", f"expected one of {known}, got {_shown(kind)}")
    return kind


def _values(item: dict, kind: str, refuse) -> tuple[str, ...]:
    spec = KINDS[kind]
    if spec.param not in item and spec.default:
        return spec.default
    if spec.param not in item:
        refuse(None, f"{spec.param}: missing; a {kind} source needs {spec.what}")
        return ()
    values = _strings(item, spec.param, refuse, required=True)
    if values and spec.parse is not None:
        parsed, trouble = spec.parse(list(values))
        for problem in trouble:
            refuse(spec.param, problem.message)
        return tuple(parsed)
    return values


def _topic(item: dict, topics: set[str], refuse) -> str:
    topic = item.get("topic")
    if topic is None:
        refuse(None, "topic: missing; expected the id of the topic new papers go to "
               "(data/topics.yml)")
    elif not isinstance(topic, str):
        refuse("topic", f"expected a topic id, got {_shown(topic)}")
    elif topic not in topics:
        refuse("topic", f"unknown topic {topic!r}; known topics: {', '.join(sorted(topics))}")
    return topic if isinstance(topic, str) else ""


def _strings(item: dict, key: str, refuse, required: bool) -> tuple[str, ...]:
    """A key's value as texts: one text, or a list of them."""
    value = item.get(key)
    if value is None and not required:
        return ()
    values = [value] if isinstance(value, str) else value
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, str) and v.strip() for v in values)):
        refuse(key, f"expected a text or a list of texts, got {_shown(value)}")
        return ()
    return tuple(v.strip() for v in values)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
