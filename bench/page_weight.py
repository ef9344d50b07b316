"""What each kind of page costs a reader with an empty cache: requests, bytes and the bytes a
server compressing with gzip would send, measured by loading one page of each kind in Chromium.

    python bench/page_weight.py [SITE_DIR]   (default: site/, as `make site` builds it)

Every page is loaded in a fresh browser context and waited on until the network is idle, so
what its scripts fetch (the search index, the map's data) counts too. Counted at the server:
a file sent twice counts twice; the scripts column counts the page's script requests.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import TimeoutError, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


class Served(SimpleHTTPRequestHandler):
    """Serves the site and notes every file it sends: what the browser asked of the server,
    including what Pagefind's worker fetches, and not what the browser had cached."""

    sent: list[Path] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if path.is_dir() else path
        if path.is_file():
            self.sent.append(path)
        super().do_GET()


def first_page(site: Path, folder: str) -> str | None:
    """The first page under folder/ (a year, a tag, a paper), by name, if any."""
    names = sorted(p.parent.name for p in (site / folder).glob("*/index.html"))
    names = [n for n in names if n != "page"]
    return f"/{folder}/{names[0]}/" if names else None


def kinds(site: Path) -> dict[str, str]:
    pages = {"home": "/", "topics": "/topics/", "topic": first_page(site, "topics"),
             "A-Z": "/papers/", "paper": first_page(site, "papers"), "search": "/search/",
             "search, a word and a topic": "/search/?q=learning&topic=Computer+Vision",
             "map": "/map/", "about": "/about/", "feed": "/feeds/all.xml", "404": "/404.html"}
    for facet in ("years", "tags", "venues", "authors"):
        pages[f"{facet} index"] = f"/{facet}/"
        pages[f"{facet[:-1]} page"] = first_page(site, facet)
    return {kind: path for kind, path in pages.items() if path}


def weigh(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    scripts = []
    page.on("request", lambda request: scripts.append(request.resource_type == "script"))
    Served.sent.clear()
    page.goto(url, wait_until="load")
    try:  # what its scripts fetch afterwards; a feed drawn by XSLT never goes idle, it has none
        page.wait_for_load_state("networkidle", timeout=5000)
    except TimeoutError:
        pass
    page.wait_for_timeout(500)
    context.close()
    bodies = [path.read_bytes() for path in Served.sent]
    return {"requests": len(bodies), "scripts": sum(scripts), "bytes": sum(map(len, bodies)),
            "gzip": sum(len(gzip.compress(body, 6)) for body in bodies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="site", type=Path)
    site = parser.parse_args().site

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Served, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    print("| page kind | requests | scripts | bytes | gzip estimate |")
    print("|---|---:|---:|---:|---:|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for kind, path in kinds(site).items():
            w = weigh(browser, root + path)
            print(f"| {kind} (`{path}`) | {w['requests']} | {w['scripts']} | "
                  f"{w['bytes'] / 1024:,.0f} KB | {w['gzip'] / 1024:,.0f} KB |")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
