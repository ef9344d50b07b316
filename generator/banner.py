"""The banner of `mkdocs serve` listing the problems in the data.

With `--dirty`, MkDocs rebuilds only the pages whose Markdown changed, so a banner written into
the pages would show on those alone, and stay on them after the fix. Instead every served page
carries a small script that reads the current problems from one file, rewritten on each build:
every page shows the state of the last build, whichever pages that build rewrote. `mkdocs build`
adds neither the script nor the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from .problems import NOTE, Problem

PROBLEMS_FILE = "papers-problems.json"
BANNER_LIMIT = 50
BODY_OPEN = re.compile(r"<body\b[^>]*>")

# Text goes in through textContent only: problem messages quote record text.
LOADER = """<script>(function () {
  fetch(%s, {cache: "no-store"}).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.problems.length) return;
      function add(parent, tag, text) {
        var node = parent.appendChild(document.createElement(tag));
        if (text) node.textContent = text;
        return node;
      }
      var box = document.createElement("div");
      box.className = "papers-problems";
      box.setAttribute("role", "alert");
      var line = add(box, "p");
      add(line, "strong", data.title);
      line.appendChild(document.createTextNode(" Fix them and save; this banner goes away."));
      var list = add(box, "ul");
      data.problems.forEach(function (text) { add(add(list, "li"), "code", text); });
      if (data.more) add(list, "li", data.more);
      document.body.prepend(box);
    }).catch(function () {});
})();</script>"""


def with_loader(html: str, site_url: str | None) -> str:
    """The page with the banner's script right after <body>. The file's address is absolute
    (the served site's path), so the 404 page, served at any address, finds it too."""
    address = (urlsplit(site_url or "/").path.rstrip("/") + "/" + PROBLEMS_FILE).replace("<", "%3C")
    script = LOADER % json.dumps(address)
    return BODY_OPEN.sub(lambda m: m.group() + script, html, count=1)


def write_problems(site: Path, problems: list[Problem]) -> None:
    """The problems of the last build, for the banner of every page (none: no banner)."""
    shown = [p for p in problems if p.severity != NOTE]
    data = {"problems": [str(p) for p in shown[:BANNER_LIMIT]], "title": "", "more": ""}
    if shown:
        title = f"{len(shown)} problem(s) in the paper data"
        data["title"] = title + ": these pages are the last good build."
    if len(shown) > BANNER_LIMIT:
        data["more"] = f"… and {len(shown) - BANNER_LIMIT} more (see the terminal)"
    (site / PROBLEMS_FILE).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
