"""Pages: an executed notebook rendered as one self-contained HTML page, and the shared page frame.

We render the outputs ourselves rather than through nbconvert: its templates pull require.js and
MathJax from CDNs. Markdown cells go through markdown-it (raw HTML in markdown is escaped); outputs
are taken as the notebook produced them: ``text/html`` (our own tables, maps and inline SVG charts),
``image/svg+xml`` inline, ``image/png`` as a ``data:`` URI, text escaped in ``<pre>``. Code is not
shown (managers read results); an error output stops the report.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from pipelines.safe_output import escape_html as esc

CSS = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:1.5rem auto;color:#1f2d3d;max-width:72rem;padding:0 1rem;
line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.2rem;margin-top:1.75rem;border-bottom:1px solid #d6dee6}
h3{font-size:1rem}.sub{color:#5a6b7d;margin-top:0}.small{font-size:.8rem;color:#5a6b7d}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}th,td{border:1px solid #d6dee6;padding:3px 8px;text-align:left}
caption{text-align:left;font-weight:600;padding:2px 0}
th{background:#eef3f8}td.num,td.aantal,td.cijfer{text-align:right}.tabel{overflow-x:auto;max-width:100%}
nav a{margin-right:14px}.card{border:1px solid #d6dee6;border-radius:8px;padding:10px 16px;margin:12px 0}
.grafieken{display:flex;flex-wrap:wrap;gap:12px}svg{max-width:100%;height:auto}pre{background:#f6f8fa;padding:8px;
overflow-x:auto}
.hoger{color:#b30000}.lager{color:#1f6391}
.skip{position:absolute;left:-10000px}.skip:focus{position:static}
"""
#: The id of every page's ``<main>``, the target of the skip link before a page's navigation (WCAG 2.4.1)
MAIN_ID = "inhoud"

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


class NotebookFailed(RuntimeError):
    """A report notebook raised an error; the message names the notebook and the error."""


def page(title: str, body: str, subtitle: str = "", lang: str = "nl", nav: str = "") -> str:
    """The page frame every report shares (inline CSS, no external reference): a skip link before the navigation
    and the page's content in ``<main>`` (WCAG 2.4.1, 1.3.1)."""
    sub = f'<p class="sub">{esc(subtitle)}</p>' if subtitle else ""
    skip = f'<a class="skip" href="#{MAIN_ID}">Direct naar de inhoud</a>' if nav else ""
    return (f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
            f'<style>{CSS}</style></head><body>{skip}{nav}<main id="{MAIN_ID}"><h1>{esc(title)}</h1>{sub}{body}'
            "</main></body></html>")


def data_table(head: list[str], rows: list[str], caption: str, table_id: str = "") -> str:
    """A data table with its caption and column headers (``scope="col"``, WCAG 1.3.1), in a box of its own that
    scrolls sideways on a narrow screen (1.4.10); ``head``: escaped header texts, ``rows``: the ``<tr>`` elements."""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<div class="tabel"><table{ident}><caption>{esc(caption)}</caption><thead><tr>'
            + "".join(f'<th scope="col">{h}</th>' for h in head) + f"</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div>")


def markdown(text: str) -> str:
    return _MD.render(text)


def _output_html(out: dict, where: str) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        return f"<pre>{esc(out.get('text', ''))}</pre>" if out.get("name") == "stdout" else ""
    if kind == "error":
        raise NotebookFailed(f"{where}: {out.get('ename')}: {out.get('evalue')}")
    data = out.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])
    if "image/svg+xml" in data:
        svg = _text(data["image/svg+xml"])
        return svg[svg.index("<svg"):] if "<svg" in svg else ""
    if "image/png" in data:
        return f'<img alt="grafiek van het notebook (zie de tekst en tabel erbij)" src="data:image/png;base64,{_text(data["image/png"]).strip()}">'
    if "text/markdown" in data:
        return markdown(_text(data["text/markdown"]))
    if "text/plain" in data:
        return f"<pre>{esc(_text(data['text/plain']))}</pre>"
    return ""


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_body(nb, name: str = "notebook") -> str:
    """The HTML of an executed notebook's markdown cells and outputs, in order (code hidden)."""
    parts = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            parts.append(markdown(cell.source))
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                parts.append(_output_html(out, f"{name}, cell {i + 1}"))
    return "\n".join(p for p in parts if p)


def notebook_page(nb, title: str, subtitle: str = "", nav: str = "", name: str = "notebook") -> str:
    """A self-contained page of an executed notebook; its first markdown ``# heading`` becomes the title."""
    body = notebook_body(nb, name)
    m = re.match(r"\s*<h1>(.*?)</h1>", body, flags=re.S)
    if m:
        body = body[m.end():]
    return page(title, body, subtitle, nav=nav)


def table(frame, rename: dict | None = None, digits: int = 1, caption: str = "", table_id: str = "") -> str:
    """A frame as an escaped HTML table (Dutch decimal comma) for notebook outputs, with ``caption`` and column
    headers with ``scope="col"``, in a box that scrolls sideways on a narrow screen (WCAG 1.3.1, 1.4.10)."""
    import pandas as pd

    shown = frame.rename(columns=rename or {})
    out = shown.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [("" if pd.isna(v) else f"{v:.{digits}f}".replace(".", ",")) for v in out[col]]
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = [("" if pd.isna(v) else v.strftime("%d-%m-%Y")) for v in out[col]]
    html = out.to_html(index=False, escape=True, border=0, na_rep="").replace("<th>", '<th scope="col">')
    ident = f' id="{esc(table_id)}"' if table_id else ""
    html = html.replace('<table class="dataframe">', f'<table class="dataframe"{ident}>'
                        + (f"<caption>{esc(caption)}</caption>" if caption else ""), 1)
    return f'<div class="tabel">{html}</div>'
