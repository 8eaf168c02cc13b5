"""The report's pure parts: SVG bar charts (escaped, to scale), the categories kept, the counts per
stage."""

import re

from reports.charts import LABEL_WIDTH, VALUE_ROOM, WIDTH, Tally, bar_chart, top
from reports.evaluation_report import stage_counts


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="190" y="\d+" width="([\d.]+)" height="9"', svg)]


def test_a_chart_escapes_every_text():
    svg = bar_chart(
        [Tally('<script>alert("x")</script>', 3, 1)],
        "Per <b>lot</b>",
        ("Apps & co", "<i>Awards</i>"),
    )
    assert "<script>" not in svg and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in svg
    assert (
        "<title>Per &lt;b&gt;lot&lt;/b&gt;</title>" in svg
        and "Apps &amp; co" in svg
        and "<i>" not in svg
    )


def test_bars_are_to_scale_with_their_value_written():
    svg = bar_chart([Tally("A", 10, 5), Tally("B", 4, 0)], "t", ("applications", "awards"))
    full = WIDTH - LABEL_WIDTH - VALUE_ROOM
    assert widths(svg) == [full, full / 2, full * 4 / 10, 0.0]
    assert [int(v) for v in re.findall(r'font-size="8">(\d+)<', svg)] == [10, 5, 4, 0]
    assert 'viewBox="0 0 640 76"' in svg  # the legend and two categories


def test_an_empty_chart_draws_no_bar():
    assert widths(bar_chart([], "t", ("a", "b"))) == []


def test_top_keeps_the_largest_categories_and_adds_up_the_rest():
    tallies = [
        Tally("C", 1, 0),
        Tally("A", 5, 2),
        Tally("B", 5, 3),
        Tally("D", 2, 1),
        Tally("E", 1, 1),
    ]
    assert top(tallies, 3, lambda n: f"{n} others") == [
        Tally("B", 5, 3),
        Tally("A", 5, 2),
        Tally("3 others", 4, 2),
    ]
    assert top(tallies[:3], 3, str) == [Tally("B", 5, 3), Tally("A", 5, 2), Tally("C", 1, 0)]


def test_counts_per_stage_follow_the_applications_through_the_steps():
    statuses = [
        "awarded",
        "awarded",
        "reserve",
        "not_selected",
        "below_threshold",
        "evaluated",
        "admissible",
        "submitted",
        "inadmissible",
        "withdrawn",
    ]
    assert stage_counts("full_application", statuses) == {
        "submitted": 10,
        "admissible": 7,
        "inadmissible": 1,
        "evaluated": 6,
        "below_threshold": 1,
        "awarded": 2,
        "reserve": 1,
        "not_selected": 1,
        "withdrawn": 1,
        "pending": 3,
    }
    notes = stage_counts("concept_note", ["shortlisted", "not_shortlisted", "not_shortlisted"])
    assert notes["shortlisted"] == 1 and notes["not_shortlisted"] == 2 and "awarded" not in notes
