"""The home page's charts as plain data: bar lengths, column positions and axis ticks from counts.

Everything is a str, int, list or dict (the result goes into the page plan, whose context is part
of the page's cache key), and every coordinate is a string with one decimal, so the same counts
always give the same bytes. `templates/_charts.md.j2` draws the result as inline SVG.

The drawing is WIDTH user units wide, about one CSS pixel on a phone, and never grows with the
collection beyond the topics, years and months it shows: at most TOPICS bars, YEARS and MONTHS
columns.
"""

from __future__ import annotations

import unicodedata

WIDTH = 360
FONT = 13  # font size in user units; CHAR is a generous average width of one character at that size
CHAR = 7.5
TOPICS, YEARS, MONTHS = 30, 30, 24
LABEL_UNITS = 48  # a topic title longer than this (wide characters count twice) is shortened
ROW, BAR = 36, 12  # topic chart: height of one row (title above its bar), of one bar
# column charts: whole height, room above the plot, below it
COLUMNS_HEIGHT, TOP, BELOW = 180, 10, 24
YEAR_STEPS, MONTH_STEPS = (1, 2, 5, 10, 20, 50, 100), (1, 2, 3, 6, 12)


def num(value: float) -> str:
    return f"{value:.1f}"


def home_charts(topics: list[tuple[str, str, int]], years: list[tuple[str, int]],
                added: list[str]) -> dict:
    """The charts the data has: topics as (id, title, count), years as (year, count), and the
    added dates."""
    charts = {"topics": topic_bars(topics) if any(n for _, _, n in topics) else None,
              "years": year_columns(years) if years else None, "added": None}
    months, no_month = added_months(added)
    if months:
        charts["added"] = {**month_columns(months), "no_month": no_month}
    return charts


# topics ------------------------------------------------------------------------------------------
def short_label(title: str, units: int = LABEL_UNITS) -> str:
    """The title, cut to about `units` narrow characters
    (wide ones count twice) with an ellipsis."""
    title = " ".join(title.split())
    used = 0
    for end, char in enumerate(title):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > units:
            return title[:end].rstrip() + "…"
    return title


def topic_bars(topics: list[tuple[str, str, int]], limit: int = TOPICS) -> dict:
    """One row per topic, most papers first (ties in the given order): the title, then a bar as
    long as the count relative to the largest, with the count after it."""
    ranked = sorted(enumerate(topics), key=lambda item: (-item[1][2], item[0]))
    shown = [topic for _, topic in ranked[:limit]]
    most = max(1, shown[0][2]) if shown else 1
    longest = WIDTH - 8 - CHAR * len(str(most))
    bars = [_bar(i, topic_id, title, count, count / most * longest)
            for i, (topic_id, title, count) in enumerate(shown)]
    return {"width": WIDTH, "height": num(len(bars) * ROW + 2), "font": FONT, "bars": bars,
            "more": len(topics) - len(shown), "biggest": shown[0][1] if shown else "",
            "most": most}


def _bar(row: int, topic_id: str, title: str, count: int, length: float) -> dict:
    top = row * ROW + 2
    length = max(length, 2.0) if count else 0.0
    return {"id": topic_id, "title": title, "label": short_label(title), "count": count,
            "text_y": num(top + FONT), "bar_y": num(top + FONT + 5), "height": num(BAR),
            "length": num(length), "count_x": num(length + 4),
            "count_y": num(top + FONT + 5 + BAR - 2)}


# columns -----------------------------------------------------------------------------------------
def nice_step(most: int, ticks: int = 4) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that divides 0..most into at most `ticks` steps."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if step * ticks >= most:
                return step
        scale *= 10


def year_columns(years: list[tuple[str, int]], limit: int = YEARS) -> dict:
    """A column per year from the first to the last with papers, years without any included
    (at most the last `limit` years; `earlier` counts the papers before them)."""
    counts = {int(year): n for year, n in years}
    span = list(range(max(min(counts), max(counts) - limit + 1), max(counts) + 1))
    earlier = sum(n for year, n in counts.items() if year < span[0])
    slots = [(str(year), counts.get(year, 0), year) for year in span]
    return {**columns(slots, YEAR_STEPS, 4), "earlier": earlier, "first": str(span[0])}


def added_months(added: list[str]) -> tuple[list[tuple[str, int]], int]:
    """Papers per month (YYYY-MM) of their `added`
    dates, in order; and how many give only a year."""
    counts: dict[str, int] = {}
    for value in added:
        if len(value) >= 7:
            counts[value[:7]] = counts.get(value[:7], 0) + 1
    return sorted(counts.items()), sum(1 for value in added if len(value) < 7)


def month_columns(months: list[tuple[str, int]], limit: int = MONTHS) -> dict:
    """A column per month from the first to the last
    with papers added (at most the last `limit`)."""
    counts = {int(m[:4]) * 12 + int(m[5:7]) - 1: n for m, n in months}
    span = list(range(max(min(counts), max(counts) - limit + 1), max(counts) + 1))
    earlier = sum(n for index, n in counts.items() if index < span[0])
    slots = [(f"{index // 12:04d}-{index % 12 + 1:02d}", counts.get(index, 0), index % 12)
             for index in span]
    return {**columns(slots, MONTH_STEPS, 7), "earlier": earlier, "first": slots[0][0]}


def columns(slots: list[tuple[str, int, int]], steps: tuple[int, ...], label_chars: int) -> dict:
    """Column chart geometry for slots (label, count, number the label steps align to)."""
    most = max(n for _, n, _ in slots)
    step = nice_step(most)
    top_tick = -(-most // step) * step or step
    left = 8 + CHAR * len(str(top_tick))
    base = COLUMNS_HEIGHT - BELOW
    slot = (WIDTH - 4 - left) / len(slots)
    every = next((s for s in steps if s * slot >= CHAR * label_chars + 6), steps[-1])
    scale = (base - TOP) / top_tick
    return {
        "width": WIDTH, "height": COLUMNS_HEIGHT, "font": FONT, "base": num(base),
        "left": num(left), "tick_x": num(left - 4), "right": num(WIDTH - 4),
        "ticks": [{"value": v, "y": num(base - v * scale)} for v in range(0, top_tick + 1, step)],
        "columns": [_column(i, slot, left, base, scale, label, n)
                    for i, (label, n, _) in enumerate(slots)],
        "labels": [_x_label(i, slot, left, label, label_chars)
                   for i, (label, _, at) in enumerate(slots) if at % every == 0],
        "most": most, "total": sum(n for _, n, _ in slots),
    }


def _column(index: int, slot: float, left: float, base: float, scale: float, label: str,
            count: int) -> dict:
    width = min(slot * 0.7, 40.0)
    height = round(count * scale, 1)  # rounded first, so that the column ends exactly on the axis
    x = left + index * slot + (slot - width) / 2
    return {"label": label, "count": count, "x": num(x), "y": num(base - height),
            "w": num(width), "h": num(height)}


def _x_label(index: int, slot: float, left: float, label: str, chars: int) -> dict:
    """Centred under its column, but kept inside the drawing."""
    half = CHAR * chars / 2
    centre = min(max(left + (index + 0.5) * slot, half), WIDTH - half)
    return {"text": label, "x": num(centre)}
