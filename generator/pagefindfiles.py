"""Pagefind's output made the same for the same pages.

Pagefind 1.5.2 writes a filter's values, and the list of filters in its metadata, in the order
of a hash map whose seed changes with every run, so two runs over the same pages give different
filter files, a different metadata file and a different `pagefind-entry.json` (the values and
the pages they hold are the same). Its next release sorts them; until then this module rewrites
those files with the values and the filters sorted, and renames them after their new contents as
Pagefind does. The files are CBOR inside gzip; the few CBOR types Pagefind writes are read and
written here, and a file that would not come back byte for byte is an error, never a guess."""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

HEADER = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# meta: [version, pages, index chunks, filters [[name, hash]], sorts [[name, pages]], fields]
META_FILTERS, META_SORTS = 3, 4


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def item(self):
        first = self.data[self.at]
        self.at += 1
        major, info = first >> 5, first & 31
        if major == 7:
            return {20: False, 21: True, 22: None}[info]
        size = self._argument(info)
        if major == 0:
            return size
        if major == 1:
            return -1 - size
        if major in (2, 3):
            raw = self.data[self.at:self.at + size]
            self.at += size
            return bytes(raw) if major == 2 else raw.decode("utf-8")
        if major == 4:
            return [self.item() for _ in range(size)]
        raise ValueError(f"CBOR type {major} is not one Pagefind writes")

    def _argument(self, info: int) -> int:
        if info < 24:
            return info
        width = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        value = int.from_bytes(self.data[self.at:self.at + width], "big")
        self.at += width
        return value


def decode(data: bytes):
    reader = _Reader(data)
    value = reader.item()
    if reader.at != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return value


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large for CBOR")


def encode(value) -> bytes:
    """Shortest form, as minicbor writes it."""
    if value is None or isinstance(value, bool):
        return bytes([{False: 0xF4, True: 0xF5, None: 0xF6}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(encode(item) for item in value)


def full_hash(data: bytes) -> str:
    """Pagefind's file hash: SHA-1, each byte in hexadecimal without a leading zero."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise ValueError(f"{path}: not a Pagefind index file")
    value = decode(data[len(HEADER):])
    if encode(value) != data[len(HEADER):]:
        raise ValueError(f"{path}: could not be read back byte for byte")
    return value


def _write(path: Path, value) -> bytes:
    body = encode(value)
    path.write_bytes(gzip.compress(HEADER + body, compresslevel=9, mtime=0))
    return body


def _short_name(language: str, body: bytes, taken: set[str], length: int) -> str:
    whole = f"{language}_{full_hash(body)}"
    name = whole[:length]
    while name in taken and len(name) < len(whole):
        name = whole[:len(name) + 1]
    taken.add(name)
    return name


def _sorted_filter(output: Path, language: str, old: str, taken: set[str]) -> str:
    path = output / "filter" / f"{old}.pf_filter"
    name, values = _read(path)
    body = encode([name, sorted(values, key=lambda value: value[0])])
    new = _short_name(language, body, taken, len(language) + 8)
    path.unlink()
    _write(output / "filter" / f"{new}.pf_filter", decode(body))
    return new


def canonicalize(output: Path) -> None:
    """Rewrites one Pagefind output folder (pagefind/ or one of its parts) in sorted order."""
    entry_path = output / ENTRY
    entry = json.loads(entry_path.read_text("utf-8"))
    for language, details in sorted(entry["languages"].items()):
        meta_path = output / f"pagefind.{details['hash']}.pf_meta"
        meta = _read(meta_path)
        taken: set[str] = set()
        filters = [[name, _sorted_filter(output, language, old, taken)]
                   for name, old in meta[META_FILTERS]]
        meta[META_FILTERS] = sorted(filters)
        meta[META_SORTS] = sorted(meta[META_SORTS], key=lambda sort: sort[0])
        body = encode(meta)
        details["hash"] = f"{language}_{full_hash(body)[:len(language) + 8]}"
        meta_path.unlink()
        _write(output / f"pagefind.{details['hash']}.pf_meta", meta)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
