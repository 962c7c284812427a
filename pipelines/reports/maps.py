"""The map: buurt outlines coloured by each domain's evidence in the run's week, flagged buurten outlined.

Pure: outlines (``data/reference/buurtvlakken_gm0118_2024.json``, CBS/PDOK, CC BY 4.0) and frames in,
inline SVG text out (no script, no external reference, every name escaped).
Evidence strength is ``-log10 p`` of the domain p-value: 1 = p 0.1, 2 = p 0.01, 3 = p 0.001.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines import wording
from pipelines.flag import current_cells
from pipelines.reference import DOMAIN_NL
from pipelines.safe_output import escape_html as esc

#: Colour bins of -log10 p (ColorBrewer OrRd): below 1, 1-2, 2-3, 3-4, 4 and more.
BINS = [1.0, 2.0, 3.0, 4.0]
COLOURS = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
BIN_LABELS = ["p > 0,1", "0,1 - 0,01", "0,01 - 0,001", "0,001 - 0,0001", "< 0,0001"]
NO_DATA = "#eeeeee"
FLAG_STROKE = "#08306b"
CREDIT = "Kaart: buurtgrenzen CBS/PDOK (Wijk- en buurtkaart 2024, gegeneraliseerd), licentie CC BY 4.0."


def latest_domain_evidence(evidence: pd.DataFrame, run_start: pd.Timestamp) -> pd.DataFrame:
    """Per buurt and domain the evidence of the run's week (monthly domains: their latest complete month).

    Columns: ``area_code, domain, p_domain, strength, level, status`` (``strength`` = -log10 p).
    """
    ev = evidence.assign(period_start=pd.to_datetime(evidence["period_start"]))
    now = current_cells(ev, pd.Timestamp(run_start))      # that week or nothing, never an earlier one
    out = now[["area_code", "domain", "p_domain", "level", "status"]].copy()
    out["strength"] = -np.log10(out["p_domain"].astype(float).clip(1e-12, 1.0))
    return out.reset_index(drop=True)


def colour(strength: float) -> str:
    if strength is None or pd.isna(strength):
        return NO_DATA
    return COLOURS[int(np.searchsorted(BINS, float(strength), side="right"))]


#: the outline of a buurt not on a list: 4.5:1 against white, so every buurt is seen, the palest too (WCAG 1.4.11)
OUTLINE = "#767676"


def map_svg(outlines: pd.DataFrame, viewbox: str, strength: dict[str, float], flagged: set[str],
            title: str, width: int = 330, described_by: str = "") -> str:
    """One map: every buurt filled by its strength, flagged buurten drawn on top with a thick outline; named by
    ``title`` and pointing to the table of its buurten (``described_by``, :func:`map_table`; WCAG 1.1.1)."""
    _, _, w, h = (float(v) for v in viewbox.split())
    height = round(width * h / w)
    described = f' aria-describedby="{esc(described_by)}"' if described_by else ""
    parts = [f'<svg class="kaart" viewBox="{esc(viewbox)}" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}"{described}>']
    ordered = sorted(outlines.itertuples(index=False), key=lambda r: r.area_code in flagged)   # flagged last, on top
    for r in ordered:
        s = strength.get(r.area_code)
        tip = f"{r.name} ({r.area_code})" + ("" if s is None or pd.isna(s) else f": {p_text(s)}")
        is_flagged = r.area_code in flagged
        stroke = (f'stroke="{FLAG_STROKE}" stroke-width="4"' if is_flagged else f'stroke="{OUTLINE}" stroke-width="1"')
        cls = "buurt gemarkeerd" if is_flagged else "buurt"
        parts.append(f'<path class="{cls}" data-code="{esc(r.area_code)}" d="{esc(r.d)}" fill="{colour(s)}" {stroke}>'
                     f"<title>{esc(tip + (' (op de lijst)' if is_flagged else ''))}</title></path>")
    parts.append("</svg>")
    return "".join(parts)


def p_text(strength: float) -> str:
    """A buurt's evidence as its map tip says it to a Dutch reader: the domain's p-value with a decimal comma, in the
    legend's words (``p = 0,13``, ``p = 0,0012``, ``p < 0,0001``), never ``-log10 p = -0.0``."""
    p = 10 ** -max(float(strength), 0.0)
    if p < 1e-4:
        return "p < 0,0001"
    return "p = " + f"{p:.2g}".replace(".", ",")


def map_table(outlines: pd.DataFrame, strength: dict[str, float], flagged: set[str], title: str,
              table_id: str) -> str:
    """What a map shows as a table (buurt, evidence, on a list), folded under a summary: its text alternative."""
    rows = "".join(
        f"<tr><td>{esc(r.name)} ({esc(r.area_code)})</td>"
        f"<td>{'geen gegevens' if strength.get(r.area_code) is None or pd.isna(strength.get(r.area_code)) else p_text(strength[r.area_code])}</td>"
        f"<td>{'ja' if r.area_code in flagged else 'nee'}</td></tr>"
        for r in sorted(outlines.itertuples(index=False), key=lambda r: (str(r.name), r.area_code)))
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Buurt", "Bewijs (p-waarde)", "Op de lijst"))
    return (f"<details><summary>Cijfers van de kaart {esc(title)}</summary><div class=\"tabel\">"
            f'<table id="{esc(table_id)}"><caption>{esc(title)} per buurt</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div></details>")


def legend_html() -> str:
    boxes = "".join(f'<span class="lg"><span class="sw" style="background:{c}"></span>{esc(lab)}</span>'
                    for c, lab in zip(COLOURS, BIN_LABELS))
    return (f'<div class="legenda">Bewijs (p-waarde van het domein): {boxes}'
            f'<span class="lg"><span class="sw" style="background:#fff;border:3px solid {FLAG_STROKE}"></span>'
            "op de lijst van het wijkteam</span></div>")


def domain_maps(outlines: pd.DataFrame, viewbox: str, latest: pd.DataFrame, flags: pd.DataFrame,
                period_label: str) -> str:
    """Three maps side by side (fysiek, sociaal, veiligheid) with legend and credit, as one HTML block.

    ``latest`` and ``flags`` may hold a whole region: a map and its caption count only the buurten of ``outlines``,
    so a municipality without flags does not read another's as its own.
    """
    drawn = set(outlines["area_code"])
    latest = latest[latest["area_code"].isin(drawn)]
    flags = flags[flags["area_code"].isin(drawn)] if not flags.empty else flags
    blocks = []
    for domain, label in DOMAIN_NL.items():
        part = latest[latest["domain"] == domain]
        strength = dict(zip(part["area_code"], part["strength"]))
        flagged = set(flags.loc[flags["domain"] == domain, "area_code"]) if not flags.empty else set()
        title = f"{label}, {period_label}"
        note = f"{wording.counted(len(flagged), 'buurt', 'buurten')} op de lijst" if strength else "geen gegevens"
        ident = f"kaart-{outlines['area_code'].iloc[0][2:6] if len(outlines) else ''}-{domain}"   # one per municipality
        blocks.append(f'<figure class="kaartblok"><figcaption>{esc(title)}: {note}'
                      f"</figcaption>{map_svg(outlines, viewbox, strength, flagged, title, described_by=ident)}"
                      f"{map_table(outlines, strength, flagged, title, ident)}</figure>")
    style = ("<style>.kaarten{display:flex;flex-wrap:wrap;gap:12px}.kaartblok{margin:0}"
             ".kaartblok figcaption{font-weight:600;margin-bottom:4px}.legenda{font-size:.85rem;margin:8px 0}"
             ".lg{margin-right:12px;white-space:nowrap}.sw{display:inline-block;width:14px;height:14px;"
             "vertical-align:middle;margin-right:4px;border:1px solid #767676}.bron{font-size:.8rem;color:#5a6b7d}"
             ".kaartblok details{font-size:.85rem;max-width:330px}</style>")
    return (f'{style}<div class="kaarten">{"".join(blocks)}</div>{legend_html()}'
            f'<p class="bron">{esc(CREDIT)}</p>')


def flagged_table(flags: pd.DataFrame) -> pd.DataFrame:
    """The run's flagged buurten for a table under the map, in the lists' words: Dutch domain names, and a listed
    buurt no longer elevated this week at level ``nazorg`` (as the lists print it, not an empty cell)."""
    cols = ["wijkteam", "name", "domain", "level", "status", "since"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    levels = [wording.level_word(None if pd.isna(lv) else lv, None if pd.isna(st) else st)
              for lv, st in zip(flags["level"], flags["status"])]
    statuses = [wording.status_word(None if pd.isna(st) else st) for st in flags["status"]]
    return flags.assign(domain=flags["domain"].map(DOMAIN_NL), level=levels, status=statuses)[cols] \
        .reset_index(drop=True)
