"""Pagefind given the pages one by one, in an order of our choosing, through its service mode
(the binary of the `pagefind` package started with `--service`).

Pagefind numbers pages in the order it meets them, and its command line meets them in the
order the file system lists a folder: by creation on tmpfs, by a hash of the names, seeded per
file system, on ext4. The same site indexed on two machines then gave two indexes. Given
the pages in a fixed order, it gives the same bytes anywhere (with `pagefindfiles`' sorting).

The service reads requests (base64 of a JSON message, each ended by a comma) from its standard
input, handles them one after another in that order, and answers each the same way on its
standard output. The `pagefind` package's own Python client waits a tenth of a second before
reading each answer (a thousand pages: 100 s), so the requests are written here by a thread
while the answers are read as they come.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from pagefind.service import get_executable

TIMEOUT = 60  # seconds the service is given to end once it has written the index


def index_in_order(site: Path, pages: list[str], output: Path, exclude: str,
                   read: Callable[[bytes], bytes] = lambda page: page) -> None:
    """Indexes site/page for each page (paths relative to site, which give the URLs), in that
    order, into output; Pagefind is given read(the page's bytes). Raises RuntimeError with
    Pagefind's word when it fails."""
    binary = get_executable()
    if binary is None:
        raise RuntimeError("Pagefind's program is not installed (pip install 'pagefind[bin]')")
    last = len(pages) + 2  # the number of the last request: NewIndex, the pages, GetFiles
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([str(binary), "--service"], cwd=site, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors)
        writer = threading.Thread(target=_write, daemon=True,
                                  args=(process, _requests(site, pages, exclude, read)))
        writer.start()
        try:
            files = _read_answers(process, last)
        finally:
            _end(process, writer)
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip()
        if process.returncode not in (0, None) and said:
            raise RuntimeError(f"Pagefind failed: {said.splitlines()[-1]}")
    _write_files(files, output)


def _write_files(files: list[dict], output: Path) -> None:
    """The index's files as the service gave them, under output."""
    root = output.resolve()
    for file in files:
        target = (root / str(file["path"])).resolve()
        if root not in target.parents:
            raise RuntimeError(f"Pagefind named a file outside its folder: {file['path']!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"]))


def _requests(site: Path, pages: list[str], exclude: str,
              read: Callable[[bytes], bytes]) -> Iterator[dict]:
    yield {"type": "NewIndex", "config": {"exclude_selectors": [exclude]}}
    for page in pages:  # a fresh service's first index is index 0
        text = read((site / page).read_bytes()).decode("utf-8", errors="replace")
        yield {"type": "AddFile", "index_id": 0, "file_path": page, "url": None,
               "file_contents": text}
    # The files come back in the answer rather than written by the service: it writes with
    # tokio's asynchronous files, which may still be writing when it answers, and it ends at
    # once when its input closes.
    yield {"type": "GetFiles", "index_id": 0}


def _write(process: subprocess.Popen, requests: Iterator[dict]) -> None:
    try:
        for number, payload in enumerate(requests, 1):
            message = json.dumps({"message_id": number, "payload": payload})
            process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        process.stdin.flush()
    except (OSError, ValueError):  # the service ended early: its answers say why
        pass


def _read_answers(process: subprocess.Popen, last: int) -> list[dict]:
    """Every answer up to the last request's, whose files it returns; the first error raises."""
    for answer in _answers(process.stdout):
        message = json.loads(base64.b64decode(answer))
        payload = message.get("payload") or {}
        if payload.get("type") == "Error":
            raise RuntimeError(f"Pagefind failed: {payload.get('message')}")
        if message.get("message_id") == last:
            return payload.get("files") or []
    raise RuntimeError("Pagefind ended before it had given the index")


def _answers(stream) -> Iterator[bytes]:
    """The comma-ended messages of a stream; the last one (the index's files) may be tens of
    megabytes, so its pieces are joined once, not at every read."""
    pieces: list[bytes] = []
    while chunk := stream.read1(1 << 16):
        *ends, rest = chunk.split(b",")
        for end in ends:
            yield b"".join([*pieces, end])
            pieces = []
        pieces.append(rest)


def _end(process: subprocess.Popen, writer: threading.Thread) -> None:
    try:
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    writer.join(TIMEOUT)
