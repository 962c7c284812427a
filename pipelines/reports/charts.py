"""Matplotlib charts of the manager notebooks (Agg, no display needed), returned as figures or inline SVG.

Frames in (the outputs of ``trends`` and ``review``), figures out; :func:`to_svg` makes a figure
into SVG text fit to paste inside an HTML page (no XML prolog, no namespace URLs, no metadata).
"""
from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipelines.reference import DOMAIN_NL  # noqa: E402
from pipelines.safe_output import escape_html as esc  # noqa: E402
from pipelines.reports.svg import PROVISIONAL_NOTE  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "wijkradar", "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False})
DOMAIN_COLOURS = {"physical": "#2c7fb8", "social": "#e6550d", "safety": "#756bb1"}
KIND_COLOURS = {"stadswijk": "#2c7fb8", "dorp": "#31a354", "bedrijventerrein": "#767676"}
#: lines told apart by marker as well as colour (WCAG 1.4.1)
KIND_MARKERS = {"stadswijk": "o", "dorp": "s", "bedrijventerrein": "^"}
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def to_svg(fig, described_by: str = "") -> str:
    """The figure as inline SVG text (and closes it): ``role="img"`` named by the figure's titles, pointing to the
    table of its figures with ``described_by`` (its id; WCAG 1.1.1)."""
    titles = [t for t in [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes] if t]
    name = "Grafiek: " + "; ".join(titles) if titles else "Grafiek"
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    described = f' aria-describedby="{esc(described_by)}"' if described_by else ""
    return text.replace("<svg ", f'<svg role="img" aria-label="{esc(name)}"{described} ', 1)


def figures(frame: pd.DataFrame, caption: str, table_id: str, digits: int = 1) -> str:
    """A chart's figures as a table folded under ``Cijfers van de grafiek``: its text alternative (WCAG 1.1.1)."""
    from pipelines.reports.render import table

    return (f"<details><summary>Cijfers van de grafiek: {esc(caption)}</summary>"
            f"{table(frame, digits=digits, caption=caption, table_id=table_id)}</details>")


def year_to_date_figures(ytd: pd.DataFrame) -> pd.DataFrame:
    """The figures of :func:`year_to_date_chart`: per kind and domain the rate per 1,000 inhabitants of each year."""
    out = ytd.assign(domein=ytd["domain"].map(DOMAIN_NL), soort=ytd["kind"])
    out = out.pivot_table(index=["domein", "soort"], columns="year", values="rate", aggfunc="sum")
    out.columns = [str(c) for c in out.columns]
    return out.reset_index()


def signal_mix_figures(mix: pd.DataFrame) -> pd.DataFrame:
    """The figures of :func:`signal_mix_chart`: per wijk the share (%) of each signal."""
    out = mix.pivot_table(index="wijk", columns="label_nl", values="share", aggfunc="sum").fillna(0) * 100
    out.columns = [str(c) for c in out.columns]
    return out.reset_index()


def new_flags_figures(over_time: pd.DataFrame) -> pd.DataFrame:
    """The figures of :func:`new_flags_chart`: new episodes per month, team and domain (months with any)."""
    if over_time.empty:
        return pd.DataFrame(columns=["maand", "wijkteam"])
    out = over_time.assign(domein=over_time["domain"].map(DOMAIN_NL), maand=pd.to_datetime(over_time["month"])
                           .dt.strftime("%m-%Y"))
    out = out.pivot_table(index=["maand", "wijkteam"], columns="domein", values="new", aggfunc="sum", sort=False)
    out = out.fillna(0).astype(int)
    out.columns = [str(c) for c in out.columns]
    return out.reset_index()


def listed_figures(listed: pd.DataFrame) -> pd.DataFrame:
    """The figures of :func:`listed_per_week_chart`: entries without a known cause per week and team."""
    out = listed.pivot_table(index="week", columns="wijkteam", values="chance", aggfunc="sum")
    out.columns = [str(c) for c in out.columns]
    out = out.reset_index()
    return out.assign(week=pd.to_datetime(out["week"]).dt.strftime("%d-%m-%Y"))


def _domains(frame: pd.DataFrame) -> dict[str, str]:
    """The domains that have data, in the usual order (a municipality without police data has two)."""
    present = set(frame["domain"]) if "domain" in frame else set()
    return {d: label for d, label in DOMAIN_NL.items() if d in present} or {"physical": DOMAIN_NL["physical"]}


#: Under a chart with a hatched bar: the bar's year holds a month the police may still correct
HATCHED_NOTE = "Gearceerde balk: bevat een voorlopig cijfer van de politie; kan nog veranderen."


def observed_vs_expected_chart(oe: pd.DataFrame, year: int):
    """Per domain: observed / expected of ``year`` per wijk (bars coloured by kind; 1 = as expected); a ratio
    holding a provisional figure (``provisional``) hatched, with :data:`HATCHED_NOTE` under the chart."""
    domains = _domains(oe[oe["year"] == year])
    fig, axes = plt.subplots(1, len(domains), figsize=(11, 3.8), sharey=True, squeeze=False)
    provisional = False
    for ax, (domain, label) in zip(axes[0], domains.items()):
        part = oe[(oe["domain"] == domain) & (oe["year"] == year)].sort_values(["kind", "wijk"])
        bars = ax.barh(part["wijk"] + " (" + part["kind"] + ")", part["ratio"],
                       color=[KIND_COLOURS.get(k, "#999") for k in part["kind"]])
        unsure = part["provisional"].eq(True) if "provisional" in part else pd.Series(False, index=part.index)
        for bar in np.array(bars.patches)[unsure.to_numpy()]:     # not yet certain: hatched
            bar.set(hatch="//", edgecolor="white")
            provisional = True
        ax.axvline(1.0, color="#333", lw=1, ls="--")
        ax.set_title(label)
        ax.invert_yaxis()
    fig.suptitle(f"Waargenomen / verwacht per wijk, {year} (1 = zoals verwacht)")
    fig.tight_layout()
    if provisional:
        fig.text(0.01, -0.02, HATCHED_NOTE, fontsize=8, color="#5a6b7d", va="top")
    return fig


def year_to_date_chart(ytd: pd.DataFrame, end_label: str):
    """Per domain: the year-to-date rate per 1,000 inhabitants by year, town and dorpen apart, titled with the day
    it is compared up to (``until`` of :func:`trends.year_to_date`, else ``end_label``); a year holding a
    provisional figure (``provisional``) an open dot reached by a dashed line, with the Dutch note under the chart."""
    domains = _domains(ytd)
    fig, axes = plt.subplots(1, len(domains), figsize=(11, 3.2), squeeze=False)
    axes = axes[0]
    provisional = False
    for ax, (domain, label) in zip(axes, domains.items()):
        part = ytd[ytd["domain"] == domain]
        for kind, g in part.groupby("kind"):
            g = g.sort_values("year")
            colour = KIND_COLOURS.get(kind, "#999")
            unsure = g["provisional"].eq(True) if "provisional" in g else pd.Series(False, index=g.index)
            sure = g[~unsure]
            ax.plot(sure["year"], sure["rate"], marker=KIND_MARKERS.get(kind, "o"), color=colour, label=kind)
            for i in np.flatnonzero(unsure.to_numpy()):     # a dashed way to an open dot: not yet certain
                before = g.iloc[max(i - 1, 0):i + 1]
                ax.plot(before["year"], before["rate"], ls="--", color=colour)
                ax.plot(g["year"].iloc[i], g["rate"].iloc[i], marker="o", markerfacecolor="white",
                        markeredgecolor=colour, color=colour, ls="none")
                provisional = True
        until = part["until"].dropna().max() if "until" in part else None
        shown = end_label if until is None or pd.isna(until) else pd.Timestamp(until).strftime("%d-%m")
        ax.set_title(f"{label} per 1.000 inwoners (t/m {shown})")
        ax.set_xticks(sorted(part["year"].unique()))
        ax.set_ylim(bottom=0)
    axes[0].legend(frameon=False)
    fig.tight_layout()
    if provisional:
        fig.text(0.01, -0.02, PROVISIONAL_NOTE, fontsize=8, color="#5a6b7d", va="top")
    return fig


def signal_mix_chart(mix: pd.DataFrame, year: int):
    """Stacked shares of the signals per wijk (one bar per wijk)."""
    table = mix.pivot_table(index="wijk", columns="label_nl", values="share", aggfunc="sum").fillna(0)
    fig, ax = plt.subplots(figsize=(11, 0.32 * len(table) + 1.6))
    left = pd.Series(0.0, index=table.index)
    cmap = plt.get_cmap("tab20")
    for i, col in enumerate(table.columns):
        ax.barh(table.index, table[col], left=left, color=cmap(i % 20), label=col)
        left += table[col]
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(f"Samenstelling van de signalen per wijk, {year}")
    ax.legend(ncol=4, fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    return fig


def new_flags_chart(over_time: pd.DataFrame, teams: list[str]):
    """New episodes per month, one panel per wijkteam, stacked by domain."""
    fig, axes = plt.subplots(len(teams), 1, figsize=(11, 1.5 * len(teams) + 0.6), sharex=True, squeeze=False)
    months = sorted(over_time["month"].unique()) if not over_time.empty else []
    for ax, team in zip(axes[:, 0], teams):
        part = over_time[over_time["wijkteam"] == team]
        bottom = pd.Series(0, index=months, dtype=float)
        for domain, label in _domains(over_time).items():
            v = part[part["domain"] == domain].set_index("month")["new"].reindex(months, fill_value=0)
            ax.bar(months, v, bottom=bottom, width=25, color=DOMAIN_COLOURS[domain], label=label)
            bottom += v
        ax.set_ylabel(team, rotation=0, ha="right", va="center")
    axes[0, 0].legend(ncol=3, frameon=False, fontsize=8)
    axes[0, 0].set_title("Nieuwe signaleringen per maand, per wijkteam")
    fig.tight_layout()
    return fig


def listed_per_week_chart(listed: pd.DataFrame):
    """Entries per team per week (the false-alarm budget in practice)."""
    fig, ax = plt.subplots(figsize=(11, 3))
    for i, (team, g) in enumerate(listed.groupby("wijkteam")):
        ax.plot(g["week"], g["chance"], marker=MARKERS[i % len(MARKERS)], markersize=4, label=team)
    ax.set_title("Regels per wijkteam per week zonder bekende oorzaak")
    ax.set_ylim(bottom=0)
    ax.legend(ncol=5, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
