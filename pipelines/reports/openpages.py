"""Open pages for residents: how a wijk or dorp develops per domain over the years, against the whole
municipality, in plain Dutch (taalniveau B1), safe to publish.

Pure: frames in, HTML out. Disclosure control after CBS practice: a count below the threshold
(default 5) is shown as ``<5`` and its rate is not shown; areas with fewer than 50 inhabitants get no
counts and no rates; further wijken (at last the municipality's rate) are hidden until no hidden count can be
narrowed down from what the pages print (secondary suppression, :func:`disclose`). Counts of 5 and more
are printed rounded to a multiple of 5 and every printed rate is that of the rounded count (rounded again:
whole numbers, one decimal below 10), so that two builds (late rows, corrections, a source counted or not, a
buurt moved to another wijk) never give their difference exactly, also when it is below 5; a year printed under
another division of wijken is printed as it was then, or not at all (:mod:`pipelines.reports.published`).
Individual flags are shown only when the setting ``open_toon_signalen`` is on, then without numbers and under the
same rules (:func:`flag_sentences`).
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from pipelines.reports.render import data_table, page
from pipelines.reports.svg import Line, line_chart
from pipelines.reports.trends import (buurt_table, period_year, provisional_years, signal_sources, uncovered_wijken,
                                      weeks_in_year, whole_year_sources, wijk_table)
from pipelines.safe_output import escape_html as esc
from pipelines.wording import and_nl

DOMAIN_B1 = {
    "physical": ("Buitenruimte", "meldingen van bewoners over de straat en het groen"),
    "social": ("Zorg en welzijn", "signalen die het wijkteam noteert"),
    "safety": ("Veiligheid", "misdrijven die de politie registreert"),
}
#: Per source: what its signals are (the domain's sentence names the sources it has counts of) and how the
#: "Bronnen" line names it.
SOURCE_B1 = {
    "meldingen": ("meldingen van bewoners over de straat en het groen", "meldingen openbare ruimte (gemeente)"),
    "wijkteam": ("signalen die het wijkteam noteert", "signalen van de wijkteams"),
    "schulden": ("signalen van de schuldhulp", "betalingsachterstanden (schuldhulp)"),
    "politie": ("misdrijven die de politie registreert", "politie (geregistreerde misdrijven)"),
}
TOPIC_B1 = {"physical": "de buitenruimte", "social": "zorg en welzijn", "safety": "veiligheid"}
NUMBER_B1 = {1: "één onderwerp", 2: "twee onderwerpen", 3: "drie onderwerpen"}


def _sources_line(catalogue: pd.DataFrame) -> str:
    """The sources of the signals in ``catalogue`` for the "Bronnen" line, each followed by "; "."""
    held = set(catalogue["source"]) if "source" in catalogue else set()
    return "".join(f"{SOURCE_B1[src][1]}; " for src in SOURCE_B1 if src in held)


KIND_B1 = {"stadswijk": "Wijken in de stad", "dorp": "Dorpen", "bedrijventerrein": "Overige gebieden"}
MIN_POPULATION = 50
#: Printed counts of the threshold and more are rounded to a multiple of this ("afgerond op vijftallen").
ROUND_TO = 5
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]
DISCLOSURE_NOTE = (
    "Zijn er minder dan {t} meldingen of signalen, dan laten we het precieze aantal niet zien: u leest dan "
    "<{t}. Zo kan niemand herkend worden. Als dan uit het cijfer van de hele gemeente toch het aantal te "
    "berekenen zou zijn, verbergen we ook het aantal van een ander gebied, of het cijfer van de gemeente. "
    "Wonen er in een gebied minder dan 50 mensen, dan laten we daar geen cijfers zien. Zo werkt het CBS ook. "
    "De andere aantallen zijn afgerond op vijftallen (23 wordt 25), en de cijfers per 1.000 inwoners rekenen we "
    "met dat afgeronde aantal en ronden we ook af. We rekenen met het aantal inwoners op 1 januari 2024 (CBS).")
FLAG_NOTE = (
    "We noemen een buurt alleen als er genoeg mensen wonen en er genoeg signalen zijn, zodat niemand herkend kan "
    "worden. Anders noemen we de hele wijk, of niets.")


def slug(text: str) -> str:
    """A file name part from a name: ``De Weide`` -> ``de-weide``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "wijk"


def page_name(wijk_code: str, wijk: str) -> str:
    """The file of a wijk's open page, keyed by its code (wijken of several municipalities share names):
    ``de-weide-wk011851.html``."""
    return f"{slug(wijk)}-{slug(wijk_code)}.html"


def complete_years(counts: pd.DataFrame, catalogue: pd.DataFrame, areas: pd.DataFrame | None = None
                   ) -> dict[str, list[int]]:
    """Per domain, the years the pages compare: whole years (weeks: every week of the ISO year; months: January
    to December) of every source counted (:func:`trends.whole_year_sources`: a source that began later, stopped
    earlier or never delivered a year or some months in between is left out rather than read as a rise or a
    fall; periods never delivered judged per municipality of ``areas``)."""
    return _years_compared(whole_year_sources(counts, catalogue, areas))


def _years_compared(held: pd.DataFrame) -> dict[str, list[int]]:
    out = {d: [] for d in held["domain"].unique()}
    for row in held[held["counted"]].drop_duplicates("domain").itertuples(index=False):
        out[row.domain] = list(range(int(row.years_from), int(row.years_to) + 1))
    return out


def yearly_rates(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per wijk and per municipality (``kind`` = ``gemeente``, ``wijk_code`` = its code), domain and complete
    year: ``wijk_code, wijk, gemeente_code, kind, domain, year, count, population, rate`` (per 1,000
    inhabitants), ``sources`` (the sources counted, the same in every year of the domain), ``left_out``
    (per source left out: ``(source, first day, last day, began, stopped, gaps)``, see :func:`left_out_sentence`)
    and ``provisional`` (the domain's year counts a provisional figure of its source, the police's latest months;
    the same for every wijk and the municipality, so it tells nothing of one wijk).
    A wijk's municipality row is the total of that municipality's own wijken. ``rate_per_count``: what one
    count adds to the rate, from public figures only (inhabitants, and 52 / weeks of the year when the domain
    counts weeks), so that a page can print the rate of a rounded count (:func:`disclose`); in a domain that
    counts weeks and months both it takes the months of a 53-week year as weeks too (x 52 / 53).

    Years are counted in whole weeks (:func:`period_year`); the rate of a year of 53 weeks is that of 52 weeks
    (count x 52 / 53), so a long year does not look like a rise."""
    held, years, c = _counted(counts, areas, catalogue)
    c = c.assign(count52=c["count"] * np.where(c["period"] == "week", 52 / c["year"].map(weeks_in_year), 1.0))
    wijken = wijk_table(areas)
    grid = pd.MultiIndex.from_tuples([(w, d, y) for w in wijken["wijk_code"] for d, ys in years.items() for y in ys],
                                     names=["wijk_code", "domain", "year"])
    per_wijk = (c.groupby(["wijk_code", "domain", "year"])[["count", "count52"]].sum()
                .reindex(grid, fill_value=0).reset_index())
    per_wijk = per_wijk.merge(wijken, on="wijk_code")
    # a wijk a source never delivered for is no part of the figures, nor of its municipality's (uncovered_wijken)
    left = uncovered_wijken(c, buurt_table(areas))
    per_wijk = per_wijk[~pd.MultiIndex.from_frame(per_wijk[["wijk_code", "domain"]]).isin(
        pd.MultiIndex.from_frame(left[["wijk_code", "domain"]]))]
    total = per_wijk.groupby(["gemeente_code", "domain", "year"], as_index=False).agg(
        count=("count", "sum"), count52=("count52", "sum"), population=("population", "sum"))
    names = gemeente_names(areas)
    total = total.assign(wijk_code=total["gemeente_code"], kind="gemeente",
                         wijk=total["gemeente_code"].map(names).fillna(total["gemeente_code"]))
    out = pd.concat([per_wijk, total], ignore_index=True)
    out["rate"] = out["count52"] / out["population"].where(out["population"] > 0) * 1000
    weekly = set(zip(c.loc[c["period"] == "week", "domain"], c.loc[c["period"] == "week", "year"]))
    per_year = [52 / weeks_in_year(y) if (d, y) in weekly else 1.0 for d, y in zip(out["domain"], out["year"])]
    out["rate_per_count"] = per_year / out["population"].where(out["population"] > 0) * 1000
    sources = {d: tuple(part.loc[part["counted"], "source"]) for d, part in held.groupby("domain")}
    left = {d: tuple((r.source, r.first, r.last_end, bool(r.began), bool(r.stopped), r.gaps)
                     for r in part[part["named"] & part["years_from"].notna()].itertuples(index=False))
            for d, part in held.groupby("domain")}
    out["sources"] = [sources.get(d, ()) for d in out["domain"]]
    out["left_out"] = [left.get(d, ()) for d in out["domain"]]
    # per domain and year, never per wijk: the police mark whole months provisional, and a wijk without a count in
    # such a month must not read as one (that would tell its month was 0, which a rounded year does not)
    out["provisional"] = provisional_years(out, c, ("domain",))
    return out[["wijk_code", "wijk", "gemeente_code", "kind", "domain", "year", "count", "population", "rate",
                "rate_per_count", "sources", "left_out", "provisional"]]


def _counted(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame
             ) -> tuple[pd.DataFrame, dict[str, list[int]], pd.DataFrame]:
    """The sources per domain (:func:`trends.whole_year_sources`), the years compared and the counts they count
    (with ``wijk_code``, ``domain``, ``source`` and ``year``)."""
    held = whole_year_sources(counts, catalogue, areas)
    years = _years_compared(held)
    c = counts.merge(buurt_table(areas)[["area_code", "wijk_code"]], on="area_code")
    c = c.merge(catalogue[["signal", "domain"]], on="signal")
    c["source"] = c["signal"].map(signal_sources(catalogue))
    c["year"] = period_year(c["period_start"], c["period"]).to_numpy()
    counted = set(zip(held.loc[held["counted"], "domain"], held.loc[held["counted"], "source"]))
    c = c[np.array([(d, s) in counted and y in years.get(d, []) for d, s, y in zip(c["domain"], c["source"], c["year"])],
                   dtype=bool)]      # a list, empty, would select no columns instead of no rows
    return held, years, c


def uncovered(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The wijken :func:`yearly_rates` leaves out of a domain, as a source never delivered for them
    (:func:`trends.uncovered_wijken`): ``gemeente_code, domain, wijk_code, wijk``."""
    buurten = buurt_table(areas)
    if buurten["part"].nunique() < 2:                 # no herindeling: a big city's sources are not read twice
        return uncovered_wijken(counts.iloc[0:0], buurten)
    return uncovered_wijken(_counted(counts, areas, catalogue)[2], buurten)


def uncovered_sentence(wijk: str, domain: str) -> str:
    """B1: a wijk of whose domain the pages have no figures, as a source never delivered for it."""
    return (f"Over {TOPIC_B1[domain]} in {wijk} hebben we (nog) geen cijfers. Daarom laten we hier geen aantallen "
            "zien, ook niet <5.")


def uncovered_note(wijken: list[str]) -> str:
    """B1: the municipality's figure leaves out the wijken a source never delivered for."""
    names = sorted(wijken)
    return (f"Over {and_nl(names)} hebben we (nog) geen cijfers. Het cijfer van de hele gemeente telt "
            f"{'die wijk' if len(names) == 1 else 'die wijken en dorpen'} en {'de' if len(names) == 1 else 'hun'} "
            "inwoners daarom niet mee.")


def left_out_sentence(left_out, catalogue: pd.DataFrame) -> str:
    """B1 sentences naming the sources a domain's years leave out and why (``left_out`` as :func:`yearly_rates`
    gives it; ``gaps``: ``(year, nothing delivered)`` for the years compared it misses periods of):
    ``Betalingsachterstanden (schuldhulp) tellen we hier niet mee: die hebben we pas sinds oktober 2025. ...``,
    ``...: die hebben we niet over 2024.`` (``niet over heel 2024`` when some months are missing); empty when
    none."""
    parts = []
    for source, first, last, began, stopped, gaps in left_out:
        labels = catalogue.loc[(_source_of(catalogue) == source).to_numpy(), "label_nl"].str.lower().tolist()
        name = SOURCE_B1[source][1] if source in SOURCE_B1 else and_nl(labels or [source])
        since, until = _month_nl(first), _month_nl(last)
        when = (f"die hebben we alleen van {since} tot en met {until}" if began and stopped
                else f"die hebben we pas sinds {since}" if began
                else f"die hebben we na {until} niet meer" if stopped
                else "")
        whole, some = [str(y) for y, nothing in gaps if nothing], [str(y) for y, nothing in gaps if not nothing]
        missed = ([f"niet over {and_nl(whole)}"] if whole else []) + ([f"niet over heel {and_nl(some)}"] if some else [])
        if missed:
            when = f"{when}, en {' en '.join(missed)}" if when else f"die hebben we {' en '.join(missed)}"
        parts.append(f"{name[:1].upper()}{name[1:]} tellen we hier niet mee: "
                     f"{when or 'die hebben we niet van alle jaren'}.")
    if not parts:
        return ""
    return " ".join(parts) + " Zo tellen we in elk jaar hetzelfde en kunt u de jaren vergelijken."


def regrouped_sentence(wijk: str, years) -> str:
    """B1: why a wijk shows no figures for the years published under an earlier division of wijken
    (:func:`published.across_builds`)."""
    years = sorted(int(y) for y in years)
    when = (f"{years[0]}" if len(years) == 1 else f"{years[0]} tot en met {years[-1]}"
            if years == list(range(years[0], years[-1] + 1)) else and_nl([str(y) for y in years]))
    return (f"Over {when} laten we voor {wijk} geen cijfers zien. De wijk heeft nu andere buurten dan toen we "
            "die jaren lieten zien. Uit het verschil tussen de oude en de nieuwe cijfers zou u anders kunnen "
            "uitrekenen hoeveel er in één buurt waren.")


def _month_nl(day) -> str:
    day = pd.Timestamp(day)
    return f"{MONTHS[day.month - 1]} {day.year}"


def _source_of(catalogue: pd.DataFrame) -> pd.Series:
    """The source of each signal of ``catalogue`` (:func:`trends.signal_sources`), in its row order."""
    return catalogue["signal"].astype(str).map(signal_sources(catalogue))


def _what(domain: str, sources) -> str:
    """What a domain's figures count, named by the sources they count (``signalen die het wijkteam noteert``)."""
    ordered = [s for s in SOURCE_B1 if s in sources] + [s for s in sources if s not in SOURCE_B1]
    named = list(dict.fromkeys(SOURCE_B1[s][0] if s in SOURCE_B1 else DOMAIN_B1[domain][1] for s in ordered))
    return and_nl(named) if named else DOMAIN_B1[domain][1]


def gemeente_names(areas: pd.DataFrame) -> pd.Series:
    """Municipality code -> name."""
    return areas[areas["level"] == "gemeente"].drop_duplicates("area_code").set_index("area_code")["name"]


def round_rate(rate: float) -> float:
    return round(rate, 1) if rate < 10 else float(round(rate))


def round_count(count: float, base: int = ROUND_TO) -> int:
    """A count as the open pages print it: the nearest multiple of ``base`` (7 -> 5, 8 -> 10)."""
    return int(np.floor(count / base + 0.5)) * base


def _rate_per_count(rates: pd.DataFrame) -> pd.Series:
    """What one count adds to a row's rate (``yearly_rates``' ``rate_per_count``; else per 1,000 inhabitants)."""
    if "rate_per_count" in rates:
        return rates["rate_per_count"]
    return 1000 / rates["population"].where(rates["population"] > 0)


def disclose(rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Add ``hidden`` (primary and secondary suppression), ``count_shown`` (rounded to a multiple of
    ``ROUND_TO``), ``rate_shown`` (the rate of that rounded count, rounded; NaN when hidden) and ``rate_text``.
    What is hidden is decided on the exact counts, the shown counts taken as known exactly to a reader, who
    reads them rounded: the reader can only know less than this assumes.

    Primary: a count below ``threshold`` (``<5``) and every figure of a wijk of fewer than ``MIN_POPULATION``
    inhabitants (``verborgen`` whatever its count, so not even ``<5`` is told). Secondary, within each
    municipality, domain and year, whose rate is printed beside its wijken: a lone hidden wijk takes the
    next smallest with it; then, while a reader could narrow a hidden count down from the shown counts, the
    others' ``<5`` and ``verborgen`` and the municipality's rounded rate (:func:`exposed`), the smallest wijk
    whose hiding is enough is hidden too (the largest when none is), and when every wijk is hidden, the
    municipality's rate. The municipality's own row is otherwise only hidden when it is itself small."""
    r = rates.copy()
    wijk = r["kind"] != "gemeente"
    few_people = wijk & ~(r["population"] >= MIN_POPULATION)
    r["hidden"] = (r["count"] < threshold) | few_people
    keys = ["gemeente_code", "domain", "year"]
    totals = {tuple(k): i for i, k in zip(r.index[~wijk], r.loc[~wijk, keys].itertuples(index=False))}
    per_count = _rate_per_count(r)
    for key, idx in r[wijk].groupby(keys).groups.items():
        cell = r.loc[idx]
        if cell["hidden"].sum() == 1 and (~cell["hidden"]).any():
            smallest = cell[~cell["hidden"]].sort_values(["count", "wijk_code"]).index[0]
            r.loc[smallest, "hidden"] = True
        g = totals.get(tuple(key))
        if g is None or r.at[g, "hidden"] or not r.at[g, "population"] >= MIN_POPULATION or pd.isna(r.at[g, "rate"]):
            continue                                  # no rate of the municipality printed: nothing to subtract from
        total = printed_total(r.at[g, "count"], per_count[g], threshold)
        kinds = _kinds(r.loc[idx, "count"], r.loc[idx, "hidden"], few_people[idx], threshold)
        counts = r.loc[idx, "count"].to_numpy()
        while exposed(counts, kinds, total, threshold).any():
            shown = np.flatnonzero(kinds == "shown")
            if not len(shown):
                r.at[g, "hidden"] = True              # every wijk hidden: only the municipality's rate can go
                break
            shown = shown[np.lexsort((r.loc[idx, "wijk_code"].to_numpy()[shown], counts[shown]))]
            enough = [i for i in shown if not exposed(counts, _with(kinds, i), total, threshold).any()]
            kinds = _with(kinds, enough[0] if enough else shown[-1])
        r.loc[idx, "hidden"] = kinds != "shown"
    r["count_shown"] = ["verborgen" if f else f"<{threshold}" if c < threshold else "verborgen" if h
                        else f"{round_count(c):,}".replace(",", ".")
                        for c, h, f in zip(r["count"], r["hidden"], few_people)]
    ok = ~r["hidden"] & (r["population"] >= MIN_POPULATION)
    r["rate_shown"] = [round_rate(round_count(c) * v) if k and pd.notna(v) else np.nan
                       for c, v, k in zip(r["count"], per_count, ok)]
    r["rate_text"] = [_nl(v) if pd.notna(v) else "-" for v in r["rate_shown"]]
    return r


def printed_total(count: float, per_count: float, threshold: int = 5) -> tuple[int, int]:
    """The smallest and largest whole count of a municipality that give its printed rate: the rate of its
    count rounded to ``ROUND_TO`` (:func:`round_count`), ``per_count`` a count (inhabitants from the CBS and the
    weeks of the year: public), rounded again. A reader knows the rounded count is a multiple of ``ROUND_TO``,
    every count it stands for, and that a printed rate means a count of at least ``threshold``; the range
    returned takes all of that as known, which can only make it narrower than a reader's."""
    shown = round_rate(round_count(count) * per_count)
    low, high = (shown - 0.05, shown + 0.05) if shown < 10 else (9.95 if shown == 10 else shown - 0.5, shown + 0.5)
    first = ROUND_TO * int(np.ceil(low / per_count / ROUND_TO - 1e-9))
    last = ROUND_TO * int(np.floor(high / per_count / ROUND_TO + 1e-9))
    while first < round_count(count) and round_rate(first * per_count) != shown:    # a bound's half rounds away
        first += ROUND_TO
    while last > round_count(count) and round_rate(last * per_count) != shown:
        last -= ROUND_TO
    return max(threshold, first - ROUND_TO // 2), last + (ROUND_TO - 1) // 2


def _kinds(counts: pd.Series, hidden: pd.Series, few_people: pd.Series, threshold: int) -> np.ndarray:
    """What a cell's printed text tells: ``shown`` (the count), ``small`` (``<5``: 0 to 4), ``few`` (a wijk
    of too few inhabitants: anything) or ``other`` (``verborgen`` by secondary suppression: at least 5)."""
    return np.select([few_people.to_numpy(), ~hidden.to_numpy(), counts.to_numpy() < threshold],
                     ["few", "shown", "small"], "other")


def _with(kinds: np.ndarray, i: int) -> np.ndarray:
    out = kinds.copy()
    out[i] = "other"
    return out


def exposed(counts: np.ndarray, kinds: np.ndarray, total: tuple[int, int], threshold: int) -> np.ndarray:
    """Which cells of one municipality, domain and year a reader can narrow down from the page: the shown
    counts subtracted from the municipality's total (``total``, as :func:`printed_total`) leave the sum of
    the hidden cells, and each hidden cell lies between that sum less the most and the least the others can
    hold (``<5``: 0 to 4; ``verborgen``: at least 5; a wijk of too few inhabitants: anything).

    A ``<5`` cell is exposed when that range is narrower than 0 to 4; a wijk of too few inhabitants (no
    figures at all) when the range does not reach from 0 to half its count again above it, and at least
    ``threshold`` above it. Cells hidden by secondary suppression are not themselves protected, only used."""
    counts = np.asarray(counts, dtype=float)
    hidden = kinds != "shown"
    lo = np.where(kinds == "other", threshold, 0.0)
    hi = np.where(kinds == "small", threshold - 1, np.inf)
    rest = total[0] - counts[~hidden].sum(), total[1] - counts[~hidden].sum()
    unbounded = int(np.isinf(hi[hidden]).sum())
    finite = hi[hidden & np.isfinite(hi)].sum()
    others_hi = np.where(unbounded - np.isinf(hi) > 0, np.inf, finite - np.where(np.isinf(hi), 0, hi))
    others_lo = lo[hidden].sum() - lo
    low = np.maximum(lo, rest[0] - others_hi)
    high = np.minimum(hi, rest[1] - others_lo)
    need = np.where(kinds == "small", threshold - 1, counts + np.maximum(threshold, np.ceil(counts / 2)))
    return ((kinds == "small") | (kinds == "few")) & ((low > 0) | (high < need))


def _nl(v: float) -> str:
    text = f"{v:.1f}" if v != int(v) else f"{int(v):,}".replace(",", ".")
    return text.replace(".", ",") if v != int(v) else text


def _compare(a: float, b: float) -> str:
    if pd.isna(a) or pd.isna(b) or b == 0:
        return ""
    if a > b * 1.1:
        return "meer"
    if a < b * 0.9:
        return "minder"
    return "ongeveer evenveel"


#: After the trend sentence of a year holding a provisional police month
PROVISIONAL_SENTENCE = "De laatste cijfers van de politie zijn nog voorlopig. Ze kunnen nog veranderen."


def _provisional_sentence(row) -> str:
    """:data:`PROVISIONAL_SENTENCE` after what is said of a year holding a provisional police month (``provisional``
    of ``yearly_rates``: per domain and year, the same on every wijk's page)."""
    return f" {PROVISIONAL_SENTENCE}" if _unsure(row) else ""


def trend_sentence(wijk: str, domain: str, table: pd.DataFrame, gemeente: pd.DataFrame) -> str:
    """Two or three short B1 sentences about the latest complete year, the years before and the municipality,
    naming what the figures count by the sources counted (``table.sources``, when given); one more when the figures
    of that year hold a provisional police month (:func:`_provisional_sentence`)."""
    label, what = DOMAIN_B1[domain]
    if "sources" in table and len(table):
        what = _what(domain, table["sources"].iloc[0])
    t = table.sort_values("year")
    if t.empty:
        return f"Over {label.lower()} hebben we nog geen gegevens van een heel jaar."
    last = t.iloc[-1]
    year = int(last["year"])
    if pd.isna(last["rate_shown"]):
        if last.get("regrouped", False):             # published.across_builds: the wijk had other buurten then
            return f"Over {year} laten we voor {wijk} geen cijfers zien: de wijk had toen andere buurten."
        if not last["population"] >= MIN_POPULATION:
            return f"In {wijk} wonen zo weinig mensen dat we hier geen cijfers laten zien."
        if last["count_shown"] == "verborgen":        # secondary suppression: saying 'few' would be untrue
            return (f"In {year} laten we het aantal in {wijk} niet zien, zodat niemand herkend kan worden."
                    f"{_provisional_sentence(last)}")
        return (f"In {year} waren er in {wijk} zo weinig {what} dat we het aantal niet laten zien. "
                f"Dat is goed nieuws, of het gebied is klein.{_provisional_sentence(last)}")
    text = f"In {year} waren er in {wijk} {last['rate_text']} {what} per 1.000 inwoners."
    before = t[(t["year"] < year) & t["rate_shown"].notna()]
    if len(before):
        word = _compare(last["rate_shown"], before["rate_shown"].mean())
        text += (f" Dat is {word} dan in de jaren ervoor." if word != "ongeveer evenveel"
                 else " Dat is ongeveer evenveel als in de jaren ervoor.")
    g = gemeente[gemeente["year"] == year]
    if len(g) and pd.notna(g["rate_shown"].iloc[0]):
        word = _compare(last["rate_shown"], g["rate_shown"].iloc[0])
        text += (f" In de hele gemeente {g['wijk'].iloc[0]} waren het er {g['rate_text'].iloc[0]}; {wijk} heeft er dus "
                 + ("ongeveer evenveel." if word == "ongeveer evenveel" else f"{word}."))
    return text + _provisional_sentence(last)


def _episode_counts(flags: pd.DataFrame, counts: pd.DataFrame, catalogue: pd.DataFrame,
                    buurten: pd.DataFrame) -> pd.DataFrame:
    """Per flag and buurt of its wijk: the buurt's count of the flag's domain from ``since`` to the flag's period."""
    c = counts.merge(catalogue[["signal", "domain"]], on="signal").merge(buurten[["area_code", "wijk_code"]],
                                                                         on="area_code")
    c = c.assign(period_start=pd.to_datetime(c["period_start"]))
    f = flags.reset_index(drop=True).rename_axis("flag").reset_index()[
        ["flag", "wijk_code", "domain", "period", "since", "period_start"]]
    both = f.merge(c, on=["wijk_code", "domain", "period"], suffixes=("_flag", ""))
    both = both[(both["period_start"] >= pd.to_datetime(both["since"]))
                & (both["period_start"] <= pd.to_datetime(both["period_start_flag"]))]
    return both.groupby(["flag", "area_code"], as_index=False)["count"].sum()


def flag_sentences(flags: pd.DataFrame, wijk_code: str, areas: pd.DataFrame, counts: pd.DataFrame,
                   catalogue: pd.DataFrame, threshold: int = 5) -> list[str]:
    """Plain sentences about the buurten of this wijk on the wijkteam's list now (no numbers).

    The same disclosure rules as the tables: a buurt is named only when it has at least
    ``MIN_POPULATION`` inhabitants and at least ``threshold`` signals of the domain since the flag began.
    When one flagged buurt of a domain fails, the wijk's flagged buurten of that domain are spoken of
    together as the wijk (naming the others would point out the small one, as in :func:`disclose`), and
    only when the wijk itself passes both rules; otherwise nothing is said about them.
    """
    b = buurt_table(areas)
    own = flags.merge(b[["area_code", "wijk_code", "population"]], on="area_code")
    own = own[own["wijk_code"] == wijk_code].sort_values(["name", "domain"]).reset_index(drop=True)
    if own.empty:
        return []
    per_buurt = _episode_counts(own, counts, catalogue, b)
    flagged = per_buurt.merge(own[["area_code"]].rename_axis("flag").reset_index(), on=["flag", "area_code"])
    own["count"] = flagged.set_index("flag")["count"].reindex(own.index, fill_value=0)
    own["wijk_count"] = per_buurt.groupby("flag")["count"].sum().reindex(own.index, fill_value=0)
    own["named"] = (own["population"] >= MIN_POPULATION) & (own["count"] >= threshold)
    wijk_population = b.loc[b["wijk_code"] == wijk_code, "population"].sum()
    wijk = wijk_table(areas).set_index("wijk_code")["wijk"].get(wijk_code, wijk_code)
    out = []
    for domain, part in own.groupby("domain", sort=False):
        label = DOMAIN_B1.get(domain, (domain, ""))[0].lower()
        if part["named"].all():
            out += [_flag_sentence(f.name, label, f.status, [f.since]) for f in part.itertuples(index=False)]
        elif wijk_population >= MIN_POPULATION and part["wijk_count"].max() >= threshold:
            out.append(_flag_sentence(wijk, label, "opgelost" if (part["status"] == "opgelost").all() else "",
                                      part.loc[part["status"] != "opgelost", "since"]))
    return out


def _flag_sentence(area: str, label: str, status: str, since) -> str:
    if status == "opgelost":
        return f"In {area} is het aantal signalen over {label} weer normaal."
    first = min(pd.Timestamp(s) for s in since)
    return (f"In {area} zijn er sinds {MONTHS[first.month - 1]} {first.year} meer signalen over {label} "
            "dan normaal. Het wijkteam kijkt wat er aan de hand is.")


def _unsure(row) -> str:
    """`` (voorlopig)`` after the count of a year holding a provisional figure (``yearly_rates``' ``provisional``)."""
    v = getattr(row, "provisional", False)
    return " (voorlopig)" if pd.notna(v) and bool(v) else ""


#: The open page of a municipality without a whole year of figures yet (only whole years are shown)
NO_YEAR_YET = ("We laten alleen cijfers over hele jaren zien. Van deze gemeente hebben we nog geen heel jaar aan "
               "gegevens. Zodra dat er is, staan de cijfers hier.")


def wijk_page(wijk: pd.Series, rates: pd.DataFrame, catalogue: pd.DataFrame, threshold: int,
              sentences: list[str] | None, made: str, left: pd.DataFrame | None = None) -> str:
    """The open page of one wijk or dorp (``rates`` already through :func:`disclose`; ``left``: the wijken left out
    of a domain's figures, :func:`uncovered`)."""
    name = wijk["wijk"]
    own = rates[(rates["wijk_code"] == wijk["wijk_code"]) & (rates["kind"] != "gemeente")]
    gm = rates[(rates["kind"] == "gemeente") & (rates["gemeente_code"] == wijk["gemeente_code"])]
    gemeente = f"de hele gemeente {gm['wijk'].iloc[0]}" if len(gm) else "de hele gemeente"
    left = left[left["gemeente_code"] == wijk["gemeente_code"]] if left is not None else pd.DataFrame(
        columns=["gemeente_code", "domain", "wijk_code", "wijk"])
    no_figures = set(left.loc[left["wijk_code"] == wijk["wijk_code"], "domain"])
    # a municipality of one wijk: the wijk is the whole municipality, a comparison would set a figure beside itself
    alone = left.empty and rates.loc[(rates["kind"] != "gemeente") & (rates["gemeente_code"] == wijk["gemeente_code"]),
                                     "wijk_code"].nunique() == 1
    if alone:
        gm = gm.iloc[0:0]
    # ``catalogue``: the signals with counts (a topic, a signal or a source without data is not promised)
    domains = [d for d in DOMAIN_B1 if (own["domain"] == d).any() or d in no_figures]
    topics = [TOPIC_B1[d] for d in domains]
    intro = (f" We kijken naar {NUMBER_B1[len(topics)]}: {and_nl(topics)}." if topics else "")
    compare = ("" if (own.empty and no_figures) or not domains   # nothing to compare (no source, no whole year)
               else f"We vergelijken de jaren met elkaar; {esc(name)} is de hele gemeente." if alone
               else f"We vergelijken de jaren met elkaar en met {esc(gemeente)}.")
    body = [f"<p>Op deze pagina ziet u hoe het gaat in {esc(name)}.{esc(intro)} {compare}".rstrip() + "</p>"]
    if not domains:         # a page of only the reading guide said nothing of why (a municipality's first months)
        body.append('<section class="card"><h2>Nog geen cijfers</h2><p>'
                    + esc(NO_YEAR_YET if rates.empty else f"Over {name} hebben we nog geen cijfers.") + "</p></section>")
    for domain in domains:
        label = DOMAIN_B1[domain][0]
        if domain in no_figures:
            body.append(f'<section class="card"><h2>{esc(label)}</h2><p>{esc(uncovered_sentence(name, domain))}</p>'
                        "</section>")
            continue
        t, g = own[own["domain"] == domain].sort_values("year"), gm[gm["domain"] == domain].sort_values("year")
        mine = catalogue[catalogue["domain"] == domain]
        left_out = t["left_out"].iloc[0] if "left_out" in t and len(t) else ()
        if "sources" in t and len(t):            # only the signals of the sources every year counts
            mine = mine[_source_of(mine).isin(t["sources"].iloc[0]).to_numpy()]
        what = _what(domain, dict.fromkeys(_source_of(mine)) if "source" in mine else ())
        signals = mine["label_nl"].str.lower().tolist()
        note = left_out_sentence(left_out, catalogue[catalogue["domain"] == domain])
        if "regrouped" in t and t["regrouped"].any():
            note = f"{regrouped_sentence(name, t.loc[t['regrouped'], 'year'])} {note}".strip()
        if (left["domain"] == domain).any():
            note = f"{note} {uncovered_note(list(left.loc[left['domain'] == domain, 'wijk']))}".strip()
        years = [str(y) for y in t["year"]]
        unsure = lambda f: tuple(f["provisional"].eq(True)) if "provisional" in f else ()  # noqa: E731
        lines = [Line(name, [v if pd.notna(v) else None for v in t["rate_shown"]], "#2c7fb8", provisional=unsure(t))]
        if not alone:
            lines.append(Line("hele gemeente", [v if pd.notna(v) else None for v in g["rate_shown"]], "#7f8c8d",
                              dashed=True, provisional=unsure(g)))
        figures = f"cijfers-{domain}"                  # the chart's figures as text (WCAG 1.1.1)
        chart = line_chart(years, lines, f"{label}: per 1.000 inwoners", "per 1.000 inwoners", described_by=figures)
        whole = g.set_index("year")["rate_text"]
        rows = [f'<tr><td>{int(a.year)}</td><td class="aantal">{esc(a.count_shown)}{_unsure(a)}</td>'
                f'<td class="cijfer">{esc(a.rate_text)}</td>'
                + ("" if alone else f'<td class="cijfer">{esc(whole.get(a.year, ""))}</td>') + "</tr>"
                for a in t.itertuples(index=False)]
        head = ["Jaar", f"Aantal in {esc(name)}", "Per 1.000 inwoners"] + ([] if alone else
                                                                           ["Per 1.000 inwoners, hele gemeente"])
        body.append(
            f'<section class="card"><h2>{esc(label)}</h2><p>Dit gaat over {esc(what)}: {esc(", ".join(signals))}.</p>'
            f"<p>{esc(trend_sentence(name, domain, t, g))}</p>"
            + (f'<p class="small">{esc(note)}</p>' if note else "") +
            f'<div class="grafieken">{chart}{data_table(head, rows, f"{label} in {name} per jaar", figures)}</div>'
            "</section>")
    if sentences is not None:
        items = ("".join(f"<li>{esc(s)}</li>" for s in sentences)
                 or "<li>Op dit moment kunnen we niets bijzonders melden.</li>")
        body.append(f'<section class="card"><h2>Wat valt nu op?</h2><ul>{items}</ul><p class="small">{esc(FLAG_NOTE)}'
                    "</p></section>")
    body.append(f'<section><h2>Hoe lezen?</h2><p>{esc(DISCLOSURE_NOTE.format(t=threshold))}</p>'
                "<p>Een jaar staat er alleen in als we het hele jaar gegevens hebben. Meldingen tellen we per hele "
                "week, zoals de weeknummers: een jaar heeft 52 of 53 weken. Bij een jaar van 53 weken rekenen we "
                "het cijfer per 1.000 inwoners om naar 52 weken, zodat de jaren te vergelijken zijn. Meer of minder "
                "meldingen betekent niet altijd dat het beter of slechter gaat: soms melden mensen gewoon vaker.</p>"
                f'<p class="small">Bronnen: {esc(_sources_line(catalogue))}gebieden en inwoners: CBS, licentie CC BY 4.0. '
                f"Gemaakt door wijkradar op {esc(made)}.</p></section>")
    nav = '<nav><a href="index.html">Alle wijken en dorpen</a></nav>'
    return page(f"{name}: hoe gaat het?", "".join(body), "Cijfers over de buurt voor bewoners", nav=nav)


def index_page(wijken: pd.DataFrame, made: str, gemeenten: pd.Series | None = None) -> str:
    """The list of open pages: per municipality (code -> name in ``gemeenten``), the town's wijken and
    the dorpen apart."""
    gemeenten = gemeenten if gemeenten is not None else pd.Series(dtype=object)
    codes = sorted(wijken["gemeente_code"].dropna().unique(), key=lambda c: (str(gemeenten.get(c, c)), c))
    several = len(codes) > 1
    parts = ["<p>Kies uw wijk of dorp. Elke pagina laat zien hoe het daar gaat, vergeleken met eerdere jaren "
             "en met de hele gemeente.</p>"]
    for code in codes:
        if several:
            parts.append(f"<h2>Gemeente {esc(gemeenten.get(code, code))}</h2>")
        for kind, title in KIND_B1.items():
            part = wijken[(wijken["gemeente_code"] == code) & (wijken["kind"] == kind)]
            part = part.sort_values(["wijk", "wijk_code"])
            if part.empty:
                continue
            links = "".join(f'<li><a href="{esc(page_name(c, w))}">{esc(w)}</a></li>'
                            for c, w in zip(part["wijk_code"], part["wijk"]))
            parts.append(f"<h{3 if several else 2}>{esc(title)}</h{3 if several else 2}><ul>{links}</ul>")
    parts.append(f'<p class="small">Gemaakt door wijkradar op {esc(made)}.</p>')
    names = [str(gemeenten.get(c, c)) for c in codes]
    subtitle = (f"Gemeenten {', '.join(names[:-1])} en {names[-1]}" if several
                else f"Gemeente {names[0]}" if names else "")
    return page("Hoe gaat het in uw wijk of dorp?", "".join(parts), subtitle)
