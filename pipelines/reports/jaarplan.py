"""The year plan of one wijkteam: per buurt and domain the year against expected, the year's flags and
what the team did with them, and what is still open - the input for the team's jaarplan.

Pure: frames in, frames or HTML out; every frame is cut to the team's own buurten first, so nothing
of another team's buurten can reach the page.
"""
from __future__ import annotations

import pandas as pd

from pipelines.reference import DOMAIN_NL
from pipelines.reports.render import page
from pipelines.reports.review import RECOGNISED, episodes
from pipelines.reports.svg import Line, line_chart
from pipelines.reports.trends import buurt_table, observed_vs_expected, period_year, year_bounds
from pipelines.safe_output import escape_html as esc

MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def team_buurten(areas: pd.DataFrame, team: str) -> pd.DataFrame:
    b = buurt_table(areas)
    return b[b["wijkteam"] == team].reset_index(drop=True)


def development(scores: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, team: str, year: int) -> pd.DataFrame:
    """Per buurt and domain of the team: observed, expected and their ratio over ``year``'s scored periods."""
    own = team_buurten(areas, team)
    in_year = period_year(scores["period_start"], scores["period"]).to_numpy() == year     # weeks by ISO year
    s = scores[scores["area_code"].isin(own["area_code"]).to_numpy() & in_year]
    oe = observed_vs_expected(s, areas, catalogue, by=("area_code", "domain"))
    return oe.merge(own[["area_code", "name", "kind"]], on="area_code").sort_values(["name", "domain"]) \
        .reset_index(drop=True)


def monthly_development(scores: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, team: str,
                        year: int) -> pd.DataFrame:
    """The team's buurten together, per domain and month of ``year``: observed and expected."""
    own = team_buurten(areas, team)
    s = scores[scores["area_code"].isin(own["area_code"]) & scores["expected"].notna()]
    s = s.assign(period_start=pd.to_datetime(s["period_start"]))
    s = s[period_year(s["period_start"], s["period"]).to_numpy() == year].merge(catalogue[["signal", "domain"]],
                                                                               on="signal")
    # a week in the month of its Thursday, as it counts in the year of its Thursday (ISO)
    s["month"] = (s["period_start"] + pd.to_timedelta((s["period"] == "week") * 3, unit="D")).dt.month
    return s.groupby(["domain", "month"], as_index=False).agg(observed=("count", "sum"), expected=("expected", "sum"))


def year_flags(evidence: pd.DataFrame, areas: pd.DataFrame, feedback: pd.DataFrame, team: str, year: int) -> pd.DataFrame:
    """The team's episodes active in ``year`` with the answer on the episode's latest answered flag (empty when none).

    ``feedback``: the answers that count, one per flag (``reports.data.read_feedback``); which of two lists'
    answers to one flag counts is decided there, not here.

    Columns: ``area_code, name, domain, period, since, last_listed, resolved, level, weeks_to_resolved,
    feedback, state`` (``state``: ``opgelost`` or ``open``).
    """
    own = team_buurten(areas, team)
    ev = evidence[evidence["area_code"].isin(own["area_code"])]
    ep = episodes(ev, areas)
    # a week in its ISO year, as every report counts it (29-12-2025 begins 2026-W01), a month in its calendar year
    bounds = ep["period"].map(lambda kind: year_bounds(year, kind))
    start, end = bounds.str[0], bounds.str[1]
    ep = ep[(ep["since"] <= end) & (ep["resolved"].isna() | (ep["resolved"] >= start))].copy()
    ep["feedback"] = ""
    if not feedback.empty and len(ep):
        fb = feedback[feedback["area_code"].isin(own["area_code"]) & feedback["feedback"].notna()]
        for i, e in ep.iterrows():
            mine = fb[(fb["area_code"] == e["area_code"]) & (fb["domain"] == e["domain"])]
            dated = mine["period_start"]
            within = (dated >= e["since"]) & ((dated <= e["resolved"]) if pd.notna(e["resolved"]) else True)
            mine = mine[dated.isna() | within]
            if len(mine):
                ep.at[i, "feedback"] = str(mine.sort_values("period_start", kind="stable").iloc[-1]["feedback"])
    ep["state"] = ep["resolved"].notna().map({True: "opgelost", False: "open"})
    return ep.drop(columns=["wijkteam", "kind", "peak"]).reset_index(drop=True)


def _date(v) -> str:
    return "" if pd.isna(v) else pd.Timestamp(v).strftime("%d-%m-%Y")


def _ratio_cell(r) -> str:
    if pd.isna(r):
        return '<td class="num">-</td>'
    cls = "hoger" if r > 1.2 else "lager" if r < 0.8 else ""
    return f'<td class="num {cls}">{r:.2f}'.replace(".", ",") + "</td>"


def jaarplan_page(team: str, team_name: str, year: int, dev: pd.DataFrame, monthly: pd.DataFrame,
                  flags_year: pd.DataFrame, explanations: dict[tuple[str, str], str], has_feedback: bool,
                  made: str) -> str:
    """The year-plan page (Dutch) of one team."""
    n_open = int((flags_year["state"] == "open").sum())
    n_fb = int((flags_year["feedback"] != "").sum())
    recognised = int(flags_year["feedback"].isin(RECOGNISED).sum())
    summary = (f"<p>{len(flags_year)} signalering(en) in {year}: {len(flags_year) - n_open} opgelost, {n_open} nog open."
               + (f" Terugkoppeling gegeven op {n_fb}; daarvan {recognised} herkend." if has_feedback else
                  " Er is nog geen terugkoppeling vastgelegd (kolom Terugkoppeling in de lijsten).") + "</p>")
    charts = []
    for domain, label in DOMAIN_NL.items():
        m = monthly[monthly["domain"] == domain].set_index("month").reindex(range(1, 13))
        if m["observed"].notna().any():
            charts.append(line_chart(MONTHS, [Line("waargenomen", [None if pd.isna(v) else float(v) for v in m["observed"]]),
                                              Line("verwacht", [None if pd.isna(v) else float(v) for v in m["expected"]],
                                                   "#7f8c8d", dashed=True)],
                                     f"{label}: alle buurten van het team, {year}", "aantal", width=360))
    rows = "".join(
        f"<tr><td>{esc(r.name)}</td><td>{esc(DOMAIN_NL.get(r.domain, r.domain))}</td>"
        f'<td class="num">{int(r.observed)}</td><td class="num">{r.expected:.0f}</td>{_ratio_cell(r.ratio)}</tr>'
        for r in dev.itertuples(index=False))
    dev_table = ("<table><thead><tr><th>Buurt</th><th>Domein</th><th>Waargenomen</th><th>Verwacht</th>"
                 f"<th>Verhouding</th></tr></thead><tbody>{rows}</tbody></table>" if rows else
                 f"<p>Nog geen scores voor {year}.</p>")
    fl_rows = "".join(
        f"<tr><td>{esc(f.name)}</td><td>{esc(DOMAIN_NL.get(f.domain, f.domain))}</td><td>{esc(f.level)}</td>"
        f"<td>{_date(f.since)}</td><td>{esc(f.state)}{(' (' + _date(f.resolved) + ')') if f.state == 'opgelost' else ''}"
        f"</td><td>{esc(f.feedback or '-')}</td></tr>" for f in flags_year.itertuples(index=False))
    fl_table = ("<table><thead><tr><th>Buurt</th><th>Domein</th><th>Niveau</th><th>Sinds</th><th>Stand</th>"
                f"<th>Terugkoppeling</th></tr></thead><tbody>{fl_rows}</tbody></table>" if fl_rows else
                f"<p>Geen signaleringen in {year}.</p>")
    still = flags_year[flags_year["state"] == "open"]
    open_items = "".join(
        f"<li><b>{esc(f.name)}, {esc(DOMAIN_NL.get(f.domain, f.domain))}</b> (sinds {_date(f.since)}"
        f"{', terugkoppeling: ' + esc(f.feedback) if f.feedback else ', nog geen terugkoppeling'})"
        + (f"<br><span class='small'>{esc(explanations[(f.area_code, f.domain)])}</span>"
           if (f.area_code, f.domain) in explanations else "") + "</li>"
        for f in still.itertuples(index=False))
    body = (
        f"<h2>Samenvatting</h2>{summary}"
        "<h2>Ontwikkeling per buurt en domein</h2><p>Waargenomen aantallen van het jaar tegen wat op grond van de eigen "
        "geschiedenis van elke buurt te verwachten was (seizoen en trend meegenomen). Verhouding boven 1,2 is rood, "
        f"onder 0,8 blauw.</p><div class='grafieken'>{''.join(charts)}</div>{dev_table}"
        f"<h2>Signaleringen van {year} en wat ermee gedaan is</h2>{fl_table}"
        "<h2>Wat staat nog open: input voor het jaarplan</h2>"
        + (f"<ul>{open_items}</ul>" if open_items else "<p>Niets staat meer open.</p>")
        + f'<p class="small">Alleen de buurten van {esc(team_name)}. Gemaakt door wijkradar op {esc(made)}.</p>')
    return page(f"Jaarplan {year}: {team_name}", body, f"Wijkteam {team}: ontwikkeling, signaleringen en open punten")
