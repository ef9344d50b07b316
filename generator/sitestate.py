"""`mkdocs build --dirty` made exact: the site built again from the last build's output.

MkDocs' dirty mode renders only pages whose Markdown is newer than their HTML, and is known to
get three things wrong; each is handled here so that the result equals a cold build:

- Stale output is never removed: the output files of the last build are remembered, and those
  this build no longer makes are deleted (with folders left empty).
- Pages whose Markdown did not change but whose surroundings did (the nav, the tabs, the theme,
  its templates, `mkdocs.yml`, the plugin or a package that renders pages): all of those go
  into one key, and when the key differs from the last build's, the site folder is emptied and
  everything is built, as a cold build would. Generated pages depend on nothing else: the
  generator rewrites a page's Markdown whenever anything shown on it changes.
- Hand-written pages (outside the generated folders) may include generated parts or link to
  pages that went away, and pages in the nav show their neighbours' titles (which a dirty
  build does not read from pages it skips), so both are always rendered again; they are few,
  as the nav lists topics, not papers.

The sitemap and 404 page are rendered on every build, dirty or not. The state lives in the
build cache, keyed by the site folder; it is removed when a build starts and written when one
ends, so a build that fails half-way is followed by a full one.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from mkdocs.utils import clean_directory

from .plan import GENERATED_DIRS

STATE_FILE = "site-build.json"
# Packages whose code renders pages or writes the site; their versions are part of the key.
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pygments",
            "jinja2", "markupsafe", "pagefind", "papersite")
PACKAGE_DIR = Path(__file__).parent


def _versions() -> list[str]:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    return found


def _folder_digest(folder: Path, digest) -> None:
    files = (p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _plain(value) -> str | None:
    try:
        return json.dumps(value, sort_keys=True, default=_no_objects)
    except (TypeError, ValueError):
        return None


def _no_objects(value):
    raise TypeError(type(value).__name__)


def global_key(config, plugin_options: dict) -> str:
    """What every page depends on: the resolved config (nav included), theme, theme templates
    outside installed packages, this package's code and the rendering packages' versions."""
    digest = hashlib.sha256()
    for name in sorted(config):
        if name not in ("plugins", "theme", "watch") and (text := _plain(config[name])):
            digest.update(f"{name}={text}\n".encode())
    digest.update(repr(config.nav).encode())
    digest.update((_plain({k: config.theme[k] for k in config.theme}) or "").encode())
    digest.update((_plain(dict(plugin_options)) or "").encode())
    digest.update("\n".join(_versions()).encode())
    if config.config_file_path and os.path.isfile(config.config_file_path):
        digest.update(Path(config.config_file_path).read_bytes())
    for folder in map(Path, config.theme.dirs):  # installed themes count by their version
        if folder.is_dir() and "site-packages" not in folder.resolve().parts:
            _folder_digest(folder, digest)
    _folder_digest(PACKAGE_DIR, digest)
    return digest.hexdigest()


def state_path(cache_dir: Path, site_dir: Path) -> Path:
    name = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"{name}-{STATE_FILE}"


def _load(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _remove(site: Path, dest: str) -> None:
    target = site / dest
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _digest(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b""


def _hand_written(file) -> bool:
    return file.src_uri.split("/", 1)[0] not in GENERATED_DIRS


class SiteState:
    """One `mkdocs build`: decides whether its dirty build can start from the last output."""

    def __init__(self, cache_dir: Path, site_dir: Path, key: str):
        self.path = state_path(cache_dir, site_dir)
        self.site = site_dir
        self.key = key
        self.last = _load(self.path)
        self.full = self.last is None or self.last.get("key") != key
        self.touched: set[str] = set()  # output this build wrote or removed
        self.forced: dict[str, bytes] = {}  # pages rendered again by rule: their last digest

    def start(self, dirty: bool) -> str:
        """Before MkDocs writes anything. Returns what kind of build this is, for the log."""
        self.path.unlink(missing_ok=True)
        if not dirty:
            return "full build"
        if self.full:
            clean_directory(str(self.site))  # as a build without --dirty does
            return "full build (no previous build, or something every page shows changed)"
        return "incremental build"

    def prepare(self, files, dirty: bool) -> None:
        """Once the files are known: stale output removed, hand-written pages made due."""
        if not dirty or self.full:
            return
        now = {f.dest_uri for f in files}
        for dest in sorted(set(self.last.get("files", [])) - now):
            _remove(self.site, dest)
            self.touched.add(dest)
        for file in files.documentation_pages():
            if _hand_written(file):
                self._force(file.dest_uri)

    def prepare_nav(self, nav, dirty: bool) -> None:
        if not dirty or self.full:
            return
        for page in nav.pages:
            self._force(page.file.dest_uri)

    def _force(self, dest: str) -> None:
        """Makes MkDocs render a page again, remembering what it was."""
        self.forced.setdefault(dest, _digest(self.site / dest))
        (self.site / dest).unlink(missing_ok=True)

    def page_built(self, page) -> None:
        self.touched.add(page.file.dest_uri)

    def index_still_whole(self, dirty: bool, folder: str, index: Path) -> bool:
        """The last build's search index serves this one: it was whole (the state is written
        after it), and no output in the indexed folder was written or removed since."""
        prefix = folder.rstrip("/") + "/"
        changed = (dest for dest in self.touched if dest.startswith(prefix)
                   and (dest not in self.forced or self.forced[dest] != _digest(self.site / dest)))
        return dirty and not self.full and index.is_file() and not any(changed)

    def finish(self, files) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {"key": self.key, "files": sorted(f.dest_uri for f in files)}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state), "utf-8")
        temporary.replace(self.path)
