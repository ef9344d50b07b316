"""Time from typing a query on the search page to the first result, and the bytes fetched, in
headless Chromium, on a built site (after its Pagefind index was written).

    python bench/search.py SITE_DIR [WORD ...]

Prints one line per word: milliseconds to the first result, kilobytes fetched while the page
loaded, and kilobytes fetched for the query. The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from httpserve import serve_directory  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def measure_query(browser, base: str, word: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[tuple[float, int]] = []

    def finished(request) -> None:
        fetched.append((time.perf_counter(), request.sizes()["responseBodySize"]))

    page.on("requestfinished", finished)
    page.goto(base + "/search/")
    page.wait_for_function("() => document.querySelector('.papers-search__status')"
                           ".textContent.startsWith('Type')", timeout=60_000)
    loaded = sum(size for _, size in fetched)
    # Timed in the page: from the input event to the first result in the list.
    page.evaluate("""() => {
      const input = document.querySelector('.papers-search__form input');
      const list = document.querySelector('.papers-search__results');
      window.__timing = {};
      input.addEventListener('input', () => { window.__timing.typed = performance.now(); },
                             {capture: true, once: true});
      new MutationObserver((_, observer) => {
        if (list.querySelector('.papers-result')) {
          window.__timing.shown = performance.now();
          observer.disconnect();
        }
      }).observe(list, {childList: true});
    }""")
    typed = time.perf_counter()
    page.locator(".papers-search__form input").fill(word)  # one input event, as a paste would be
    page.locator(".papers-result").first.wait_for(state="visible", timeout=60_000)
    timing = page.evaluate("window.__timing")
    first = (timing["shown"] - timing["typed"]) / 1000
    query = sum(size for at, size in fetched if at >= typed)
    context.close()
    return {"word": word, "first_ms": first * 1000,
            "load_kb": loaded / 1e3, "query_kb": query / 1e3}


FIRST_RESULT_WATCH = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.papers-result')) {
    window.__shown = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def measure_direct(browser, base: str, word: str) -> dict:
    """Opening /search/?q=word, as the header box does: from the start of navigation to the first
    result, and the bytes fetched until then (theme included, nothing cached)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(FIRST_RESULT_WATCH)
    page = context.new_page()
    page.goto(f"{base}/search/?q={word}")
    page.locator(".papers-result").first.wait_for(state="visible", timeout=60_000)
    first_ms, size = page.evaluate("""() => [window.__shown, performance.getEntries()
        .filter(e => (e.entryType === 'resource' || e.entryType === 'navigation')
                     && e.responseEnd <= window.__shown)
        .reduce((sum, e) => sum + (e.encodedBodySize || 0), 0)]""")
    context.close()
    return {"word": word, "first_ms": first_ms, "kb": size / 1e3}


def measure_map(browser, base: str) -> dict:
    """The map page: time from opening it to every dot drawn, and the time one pointer
    move takes to find the nearest dot and show its title (the page's own handler, timed in
    the page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(base + "/map/")
    page.wait_for_selector(".papers-map[data-drawn]", timeout=120_000)
    drawn = time.perf_counter() - start
    hover_ms = page.evaluate("""() => {
      const canvas = document.querySelector('.papers-map canvas');
      const box = canvas.getBoundingClientRect();
      const start = performance.now();
      for (let i = 0; i < 200; i++) {
        canvas.dispatchEvent(new MouseEvent('mousemove', {
          clientX: box.left + (i * 37) % box.width,
          clientY: box.top + (i * 53) % box.height
        }));
      }
      return (performance.now() - start) / 200;
    }""")
    dots = int(page.locator(".papers-map").get_attribute("data-drawn"))
    context.close()
    return {"dots": dots, "drawn_ms": drawn * 1000, "hover_ms": hover_ms}


def measure(site: Path, words: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    with serve_directory(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        try:
            rows = [measure_query(browser, base, word) for word in words]
            rows += [{**measure_direct(browser, base, word), "direct": True} for word in words]
            return rows + [measure_map(browser, base)]
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("words", nargs="*", default=["memory", "quantization scaling"])
    args = parser.parse_args()
    *queries, drawn = measure(args.site, args.words)
    print(f"map: {drawn['dots']} dots drawn {drawn['drawn_ms']:.0f} ms after opening the page; "
          f"{drawn['hover_ms']:.2f} ms a pointer move")
    for row in queries:
        if row.get("direct"):
            print(f"opening /search/?q={row['word']}: first result {row['first_ms']:.0f} ms "
                  f"after navigation began; {row['kb']:.0f} KB fetched by then")
            continue
        print(f"{row['word']!r}: first result {row['first_ms']:.0f} ms; "
              f"fetched {row['load_kb']:.0f} KB loading the page, "
              f"{row['query_kb']:.0f} KB for the query")


if __name__ == "__main__":
    main()
