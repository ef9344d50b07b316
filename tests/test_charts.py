"""The home page's charts: geometry from counts (generator/charts.py) and the SVG the home page gets."""

from __future__ import annotations

import json
import re

import markdown
import pytest

from generator import charts
from generator.charts import (
    WIDTH,
    added_months,
    home_charts,
    month_columns,
    nice_step,
    short_label,
    topic_bars,
    year_columns,
)
from generator.config import load_settings
from generator.pipeline import render_site

HOSTILE = "<script>&\"'"
# The Markdown extensions of the shipped mkdocs.yml: md_in_html is not among them
EXTENSIONS = ["toc", "admonition", "attr_list", "tables", "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight"]


def numbers(items: list[dict], key: str) -> list[float]:
    return [float(item[key]) for item in items]


# geometry ----------------------------------------------------------------------------------------
def test_bar_length_is_proportional_to_the_count_and_most_papers_come_first():
    c = topic_bars([("a", "A", 5), ("b", "B", 20), ("c", "C", 10), ("d", "D", 10)])
    assert [b["id"] for b in c["bars"]] == ["b", "c", "d", "a"]  # ties keep the given order
    lengths = numbers(c["bars"], "length")
    assert lengths[0] == pytest.approx(4 * lengths[3], abs=0.2) and lengths[1] == pytest.approx(2 * lengths[3], abs=0.2)
    assert all(float(b["count_x"]) > float(b["length"]) for b in c["bars"])  # the count sits after its bar
    assert lengths[0] + charts.CHAR * 2 < WIDTH  # and fits in the drawing
    assert c["height"] == f"{4 * charts.ROW + 2:.1f}"


def test_topic_bars_are_capped_and_say_how_many_are_left_out():
    c = topic_bars([(f"t{i}", f"T{i}", i + 1) for i in range(40)])
    assert len(c["bars"]) == charts.TOPICS and c["more"] == 40 - charts.TOPICS
    assert c["bars"][0]["id"] == "t39" and c["bars"][-1]["count"] == 40 - charts.TOPICS + 1


def test_a_topic_without_papers_has_no_bar_and_a_tiny_count_still_shows():
    bars = topic_bars([("a", "A", 1000), ("b", "B", 1), ("c", "C", 0)])["bars"]
    assert [b["length"] for b in bars[1:]] == ["2.0", "0.0"]


def test_long_titles_are_shortened_with_the_full_title_kept():
    title = "A very long topic title " * 5
    bar = topic_bars([("a", title, 3)])["bars"][0]
    assert bar["label"].endswith("…") and len(bar["label"]) <= charts.LABEL_UNITS + 1
    assert bar["title"] == title
    assert short_label("Short & sweet") == "Short & sweet"
    wide = short_label("漢" * 40)  # wide characters count twice
    assert wide == "漢" * (charts.LABEL_UNITS // 2) + "…"


def test_years_without_papers_between_the_first_and_the_last_are_zero_columns():
    c = year_columns([("2023", 4), ("2019", 2), ("2020", 1)])
    assert [(col["label"], col["count"]) for col in c["columns"]] == [("2019", 2), ("2020", 1), ("2021", 0), ("2022", 0), ("2023", 4)]
    assert [col["h"] for col in c["columns"]][2:4] == ["0.0", "0.0"]
    xs = numbers(c["columns"], "x")
    assert all(b - a == pytest.approx(xs[1] - xs[0], abs=0.15) for a, b in zip(xs, xs[1:], strict=False))  # evenly spaced: an honest axis
    heights = numbers(c["columns"], "h")
    assert heights[4] == pytest.approx(2 * heights[0], abs=0.15) == pytest.approx(4 * heights[1], abs=0.3)
    assert c["earlier"] == 0


def test_columns_stand_on_the_axis_and_the_ticks_cover_the_largest_count():
    c = year_columns([("2001", 39), ("2002", 7)])
    assert [t["value"] for t in c["ticks"]] == [0, 10, 20, 30, 40]
    for col in c["columns"]:
        assert float(col["y"]) + float(col["h"]) == pytest.approx(float(c["base"]), abs=1e-9)
    assert float(c["ticks"][-1]["y"]) <= float(c["columns"][0]["y"])


def test_years_are_capped_to_the_latest_ones():
    c = year_columns([("1950", 3), ("1990", 2), ("2024", 1)])
    assert len(c["columns"]) == charts.YEARS and c["columns"][-1]["label"] == "2024"
    assert c["first"] == "1995" and c["earlier"] == 5


def test_months_come_from_added_dates_and_are_capped_to_the_last_24():
    added = ["2020-01-05", "2020-01-20", "2021-06-01", "2022-12-31", "2023", "2022-12"]
    months, no_month = added_months(added)
    assert months == [("2020-01", 2), ("2021-06", 1), ("2022-12", 2)] and no_month == 1
    c = month_columns(months)
    labels = [col["label"] for col in c["columns"]]
    assert len(labels) == charts.MONTHS and labels[0] == "2021-01" and labels[-1] == "2022-12"
    assert c["earlier"] == 2 and c["first"] == "2021-01" and c["total"] == 3
    assert [label["text"] for label in c["labels"]] == ["2021-01", "2021-07", "2022-01", "2022-07"]


def test_x_labels_stay_inside_the_drawing():
    for c, chars in ((month_columns([("2024-01", 1), ("2024-03", 2)]), 7), (year_columns([("1999", 1)]), 4)):
        half = charts.CHAR * chars / 2
        assert c["labels"] and all(half <= float(label["x"]) <= WIDTH - half for label in c["labels"])


def test_tick_steps_are_round_numbers():
    assert [nice_step(n) for n in (1, 4, 5, 9, 39, 41, 400, 1999)] == [1, 1, 2, 5, 10, 20, 100, 500]


def test_charts_are_left_out_when_the_data_lacks_their_field():
    assert home_charts([], [], []) == {"topics": None, "years": None, "added": None}
    only = home_charts([("a", "A", 2)], [], ["2024"])
    assert only["topics"] is not None and only["years"] is None and only["added"] is None


def test_geometry_is_plain_data_with_fixed_precision():
    c = home_charts([("a", "A", 3), ("b", "B", 7)], [("2020", 1), ("2024", 3)], ["2024-01-01", "2024-05-02"])
    assert c == home_charts([("a", "A", 3), ("b", "B", 7)], [("2020", 1), ("2024", 3)], ["2024-01-01", "2024-05-02"])
    text = repr(c)
    coordinates = re.findall(r"'(?:x|y|w|h|length|count_x|text_y|bar_y|base|left|tick_x)': '([^']*)'", text)
    assert coordinates and all(re.fullmatch(r"-?\d+\.\d", value) for value in coordinates)

    def plain(value) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int)

    assert plain(c)


# the home page -----------------------------------------------------------------------------------
PLAIN = "title: {title}\ntopics: [{topic}]\nabstract: A.\n"


def home_of(project, papers: dict[str, str], topics: str | None = None) -> str:
    root = project(papers, topics) if topics else project(papers)
    return render_site(load_settings(root / "mkdocs.yml"))["_generated/home.md"]


def test_home_has_only_the_charts_its_data_has(project):
    home = home_of(project, {"a.yml": PLAIN.format(title="A", topic="vision"), "b.yml": PLAIN.format(title="B", topic="speech")})
    assert home.count("<svg") == 1 and 'id="chart-topics"' in home
    assert 'id="chart-years"' not in home and 'id="chart-added"' not in home


def test_home_charts_years_and_additions_when_papers_have_them(tmp_path, project):
    papers = {"a.yml": PLAIN.format(title="A", topic="vision") + "date: '2021-05'\nadded: '2024-01-02'\n",
              "b.yml": PLAIN.format(title="B", topic="vision") + "date: '2024'\nadded: '2024-03-30'\n"}
    home = home_of(project, papers)
    assert home.count("<svg") == 3
    years = home[home.index('id="chart-years"'):]
    assert re.findall(r"<td>(\d{4})</td><td>(\d+)</td>", years)[:4] == [("2021", "1"), ("2022", "0"), ("2023", "0"), ("2024", "1")]
    added = home[home.index('id="chart-added"'):]
    assert re.findall(r"<td>(\d{4}-\d\d)</td><td>(\d+)</td>", added) == [("2024-01", "1"), ("2024-02", "0"), ("2024-03", "1")]


def test_hostile_topic_titles_are_escaped_in_the_charts(project):
    topics = f"- id: evil\n  title: {json.dumps(HOSTILE)}\n  description: Bad.\n"  # a JSON string is a YAML string
    home = home_of(project, {"a.yml": PLAIN.format(title="A", topic="evil")}, topics)
    chart = home[home.index('<div class="papers-charts"'):]
    assert HOSTILE not in chart and "<script" not in chart and "&\"'" not in chart
    assert chart.count("&lt;script&gt;&amp;&#34;&#39;") == 4  # the label, its tooltip, the description and the table


def test_markdown_passes_the_charts_through_untouched(project):
    papers = {"a.yml": PLAIN.format(title="A", topic="vision") + "date: '2021-05'\nadded: '2024-01-02'\n"}
    home = home_of(project, papers)
    block = home[home.index('<div class="papers-charts"'):home.index("</div>", home.index('<div class="papers-charts"')) + 6]
    assert "\n\n" not in block  # one raw HTML block
    html = markdown.markdown(home, extensions=EXTENSIONS)
    assert block in html
