"""Pictures of papers: a record's own image under docs/, or the first page of its local PDF,
drawn at build time by pypdfium2 into docs/_thumbs/ (a folder the generator owns).

Drawing is the costly part, so each PDF is drawn once: the PNG is kept in the build cache under
the PDF's content hash, and the hash under the file's size and modification time, so that an
unchanged PDF is neither drawn nor read again."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from urllib.parse import unquote

from .problems import WARNING, Problem
from .write import write_atomic

THUMBS_DIR = "_thumbs"
THUMB_WIDTH = 320  # pixels: twice the width listings show it at, for sharp high-DPI screens
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def thumb_path(pdf: str) -> str:
    """The docs/ path of a local PDF's drawn first page: named by the PDF's path, so that a
    page linking it stays right when the PDF changes."""
    return f"{THUMBS_DIR}/{hashlib.sha256(pdf.encode()).hexdigest()[:20]}.png"


def refresh_thumbnails(refs: list[list], docs_dir: Path, cache_dir: Path, enabled: bool,
                       shown) -> list[Problem]:
    """Draws (or takes from the cache) the first page of each linked local PDF into docs/_thumbs/
    and removes the others there; a warning for each PDF that cannot be drawn."""
    kept: set[str] = set()
    problems: list[Problem] = []
    store = _ThumbCache(cache_dir / "thumbs") if enabled else None
    for pdf, file, line, column, label in refs:
        path = docs_dir / unquote(pdf)
        if store is None or not pdf.endswith(".pdf") or not path.is_file():
            continue
        why = store.place(path, docs_dir / thumb_path(pdf))
        if why:
            message = (f"cannot draw the first page of {shown(path)} ({why}): the paper is "
                       "shown without a picture")
            problems.append(Problem(file, line, column, label, message, WARNING))
        else:
            kept.add(thumb_path(pdf))
    if store is not None:
        store.save()
    _remove_others(docs_dir / THUMBS_DIR, kept)
    return problems


def _remove_others(folder: Path, kept: set[str]) -> None:
    if folder.is_dir():
        for old in folder.iterdir():
            if old.suffix == ".png" and f"{THUMBS_DIR}/{old.name}" not in kept:
                old.unlink()


class _ThumbCache:
    """PNGs by the PDF's SHA-256 (thumbs/<hash>.png), and that hash by the PDF's path, size and
    modification time (thumbs/index.json)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.index_file = folder / "index.json"
        try:
            self.index = json.loads(self.index_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.index = {}
        self.seen: dict[str, list] = {}

    def place(self, path: Path, target: Path) -> str:
        """Puts the PDF's drawn first page at target; why it cannot, or ""."""
        stat = path.stat()
        known = self.index.get(str(path))
        unchanged = isinstance(known, list) and known[:2] == [stat.st_size, stat.st_mtime_ns]
        sha = known[2] if unchanged else hashlib.sha256(path.read_bytes()).hexdigest()
        self.seen[str(path)] = [stat.st_size, stat.st_mtime_ns, sha]
        if unchanged and target.is_file():
            return ""  # what the last build placed there: an unchanged PDF is not read again
        cached = self.folder / f"{sha}.png"
        if cached.is_file():
            png = cached.read_bytes()
        else:
            png, why = draw_first_page(path)
            if png is None:
                return why
            write_atomic(cached, png)  # makes the folder when it is not there
        if not target.is_file() or target.read_bytes() != png:
            write_atomic(target, png)
        return ""

    def save(self) -> None:
        if self.seen != self.index and self.folder.parent.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(self.seen, sort_keys=True)
            write_atomic(self.index_file, text.encode("utf-8"))


def draw_first_page(path: Path) -> tuple[bytes | None, str]:
    """(PNG bytes, "") of the PDF's first page, THUMB_WIDTH wide; (None, why) when the file is
    not a PDF pdfium can draw. The same PDF gives the same bytes (PNG without a timestamp)."""
    import pypdfium2  # loaded only when a PDF is drawn

    try:
        document = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as err:
        return None, f"not a readable PDF: {str(err).rstrip('.')}"
    try:
        if len(document) == 0:
            return None, "the PDF has no pages"
        page = document[0]
        width = page.get_width()
        if width <= 0:
            return None, "its first page has no width"
        image = page.render(scale=THUMB_WIDTH / width).to_pil()
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG", optimize=False)
        return out.getvalue(), ""
    except pypdfium2.PdfiumError as err:
        return None, f"pdfium cannot draw it: {str(err).rstrip('.')}"
    finally:
        document.close()


class Pictures:
    """What pages show of a paper's picture: its file under docs/ and its real size, read once
    a build from the file's header."""

    def __init__(self, docs_dir: Path, thumbnails: bool):
        self.docs_dir = docs_dir
        self.thumbnails = thumbnails
        self.sizes: dict[str, tuple[int, int] | None] = {}

    def of(self, image: str | None, alt: str | None, local_pdf: str | None) -> dict | None:
        """{"src", "width", "height", "alt"} (alt None: the template says "First page of")."""
        if image:
            src = image
        elif self.thumbnails and local_pdf:
            src = thumb_path(local_pdf)
        else:
            return None
        size = self._size(src)
        if size is None:
            return None
        return {"src": src, "width": size[0], "height": size[1], "alt": alt}

    def _size(self, src: str) -> tuple[int, int] | None:
        if src not in self.sizes:
            self.sizes[src] = image_size(self.docs_dir / unquote(src))
        return self.sizes[src]


def image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None
