"""The accessibility checker (``tests/accessibility.py``): a page that meets every rule passes, and each rule fails on a
page that breaks it, so a rule the pages pass is one they could fail. The pages themselves are checked where they are
built: ``tests/test_notebooks.py`` (manager report, year plan, open pages), ``tests/test_end_to_end.py`` and
``tests/pipelines/lists/test_html_writer.py`` (team lists)."""
import pytest

from tests.accessibility import contrast, parse_colour, problems

GOOD = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>De Weide: hoe gaat het?</title>
<style>body{color:#1f2d3d;font-size:1rem}.small{font-size:.8rem;color:#5a6b7d}.tabel{overflow-x:auto}
svg{max-width:100%;height:auto}.badge{color:#fff;background:#c0392b}</style></head><body>
<a class="skip" href="#inhoud">Direct naar de inhoud</a><nav><a href="index.html">Alle wijken en dorpen</a></nav>
<main id="inhoud"><h1>De Weide</h1><h2>Buitenruimte</h2><p class="small">Uitleg</p><span class="badge">alarm</span>
<svg width="420" height="200" viewBox="0 0 420 200" role="img" aria-label="Buitenruimte: per 1.000 inwoners"
 aria-describedby="cijfers"><line class="raster" x1="0" x2="9" y1="1" y2="1" stroke="#e3e8ee"/>
<text x="1" y="1" font-size="10" fill="#5a6b7d">10</text>
<polyline points="1,1 2,2" fill="none" stroke="#2c7fb8"/><polyline points="1,1 2,3" fill="none" stroke="#7f8c8d"
 stroke-dasharray="5,4"/><circle cx="1" cy="1" r="3" fill="#ffffff" stroke="#2c7fb8"/></svg>
<div class="tabel"><table id="cijfers"><caption>Buitenruimte in De Weide per jaar</caption><thead><tr>
<th scope="col">Jaar</th><th scope="col">Aantal</th></tr></thead><tbody><tr><td>2025</td><td>1.175</td></tr></tbody>
</table></div><h3>Meer</h3><h2>Hoe lezen?</h2></main></body></html>"""

BREAKS = {
    "3.1.1": ('<html lang="nl">', "<html>"),
    "2.4.2": ("<title>De Weide: hoe gaat het?</title>", "<title></title>"),
    "1.3.1: the page has 2 <h1>": ("<h3>Meer</h3>", "<h1>Meer</h1>"),
    "1.3.1: heading <h4>": ("<h3>Meer</h3>", "<h4>Meer</h4>"),
    "1.3.1: the page has 0 <main>": ('<main id="inhoud">', '<div id="inhoud">'),
    "2.4.1": ('<a class="skip" href="#inhoud">Direct naar de inhoud</a>', ""),
    "2.4.4: link": (">Alle wijken en dorpen<", ">klik hier<"),
    "1.1.1: <svg>": ('role="img" aria-label="Buitenruimte: per 1.000 inwoners"', 'aria-label="grafiek"'),
    "1.1.1: chart": ('aria-describedby="cijfers"', ""),
    "1.3.1: a table has no <caption>": ("<caption>Buitenruimte in De Weide per jaar</caption>", ""),
    "1.3.1: header cells without scope": ('<th scope="col">Jaar</th>', "<th>Jaar</th>"),
    "1.4.3: text": (".badge{color:#fff;background:#c0392b}", ".badge{color:#fff;background:#e67e22}"),
    "1.4.3: chart text": ('fill="#5a6b7d">10', 'fill="#7f8c8d">10'),
    "1.4.11": ('stroke="#2c7fb8"/><polyline', 'stroke="#e3e8ee"/><polyline'),
    "1.4.1": ('\n stroke-dasharray="5,4"/>', "/>"),
    "1.4.4": (".small{font-size:.8rem", ".small{font-size:12px"),
    "1.4.10: no <meta": ('<meta name="viewport" content="width=device-width, initial-scale=1">', ""),
    "1.4.10: <svg>": ("svg{max-width:100%;height:auto}", "svg{height:auto}"),
    "1.4.10: a table": ('<div class="tabel">', "<div>"),
    "offline: <img>": ("<h3>Meer</h3>", '<h3>Meer</h3><img alt="Kaart van De Weide" src="https://x.nl/k.png">'),
    "offline: the page holds a <script>": ("<h3>Meer</h3>", "<h3>Meer</h3><script>1</script>"),
}


def test_a_page_that_meets_every_rule_passes():
    assert problems(GOOD) == []


@pytest.mark.parametrize("criterion", list(BREAKS))
def test_each_rule_fails_on_a_page_that_breaks_it(criterion):
    good, bad = BREAKS[criterion]
    assert good in GOOD
    found = problems(GOOD.replace(good, bad, 1))
    assert any(p.startswith(criterion) for p in found), found


def test_contrast_follows_the_wcag_formula():
    assert contrast(parse_colour("#000"), parse_colour("#fff")) == pytest.approx(21.0)
    assert contrast(parse_colour("#767676"), parse_colour("white")) == pytest.approx(4.54, abs=0.01)
    assert contrast(parse_colour("#e67e22"), parse_colour("#ffffff")) < 3.0      # the list's old 'aandacht' badge
