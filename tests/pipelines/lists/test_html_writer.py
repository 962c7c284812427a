"""The HTML writer: one card per row, every value escaped, the chart svg drawn from the points handed in."""
import pytest

from pipelines.lists.content import NOTHING_FLAGGED
from pipelines.lists.html_writer import html_page, write_html
from pipelines.lists.selection import chart_data, team_flags, team_list
from pipelines.safe_output import escape_html


def _page(flags, series, labels, run, team="noord"):
    own = team_flags(flags, team)
    return html_page(team_list(own, team, labels), own["level"], chart_data(own, series, labels),
                     "Team <Noord>", run)


def test_two_cards_with_escaped_text_and_charts(flags, series, labels, run):
    page = _page(flags, series, labels, run)
    assert page.count('<div class="card">') == 2
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>" not in page and "<i>" not in page and "Team &lt;Noord&gt;" in page
    assert page.count('<svg width="340"') == 3                 # two charts for the first row, one for the second
    assert 'aria-label="Graffiti &lt;i&gt;: aantal per periode tegen verwachting en bovengrens, ' in page
    assert 'class="badge alarm"' in page and 'class="badge aandacht"' in page


def test_the_chart_is_drawn_only_from_what_is_handed_in(flags, series, labels, run):
    own = team_flags(flags, "noord")
    page = html_page(team_list(own, "noord"), own["level"], [[], []], "T", run)
    assert '<svg width="340"' not in page and page.count('<div class="card">') == 2


def test_an_unknown_level_is_no_css_class_and_an_empty_list_says_so(tmp_path, flags, series, labels, run):
    own = team_flags(flags, "noord")
    page = html_page(team_list(own, "noord"), ['" onclick="x', "alarm"], [[], []], "T", run)
    assert 'class="badge none"' in page and "onclick" not in page
    path = tmp_path / "oost.html"
    write_html(team_list(flags, "oost"), [], [], "Oost", run, path)
    assert escape_html(NOTHING_FLAGGED) in path.read_text(encoding="utf-8")


def test_a_page_stopped_half_way_leaves_the_earlier_page(tmp_path, flags, run, monkeypatch):
    """Written in place, a killed export left a cut-off or 0-byte page under the list's name (red team 6b, F1)."""
    from pathlib import Path

    path = tmp_path / "oost.html"
    path.write_text("the earlier page, whole", encoding="utf-8")
    real = Path.write_text

    class Killed(BaseException):
        """The process dies while the page is written."""

    def dies_half_way(self, data, *args, **kwargs):
        real(self, data[:len(data) // 2], *args, **kwargs)
        raise Killed

    monkeypatch.setattr(Path, "write_text", dies_half_way)
    with pytest.raises(Killed):
        write_html(team_list(flags, "oost"), [], [], "Oost", run, path)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "the earlier page, whole"
    assert [p.name for p in tmp_path.iterdir()] == ["oost.html"]
