"""Every word a user reads, in Dutch (default) and English: domains, levels, statuses, periods, bounds,
settings, column headings and quarantine reasons.

One output speaks one language: the wijkteam lists, correction files and Prefect artifacts are
Dutch; ``--lang en`` gives English where a command offers it. The sources keep their reasons in
English (the analysts' CLI and logs); :func:`reason_text` translates them for the correction files.
"""
from __future__ import annotations

import json
import math
import re
from decimal import ROUND_FLOOR, Decimal

import pandas as pd

from models.calendar import period_label
from pipelines.reference import DOMAIN_NL


def and_nl(items: list[str]) -> str:
    """``a``, ``a en b``, ``a, b en c``: a Dutch enumeration."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"


def iso_day(text: object) -> pd.Timestamp | None:
    """A day typed as ``jjjj-mm-dd`` between 2000 and 2099, the years wijkradar's calendars and data cover; None
    for anything else. Strict on purpose: ``07-12-2026`` is refused, never read month-first as 12 July, and the
    ISO week and basic forms ``fromisoformat`` also takes are not days a person types."""
    import datetime

    text = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:                       # 2027-02-29, 2026-13-01
        return None
    return pd.Timestamp(day) if 2000 <= day.year <= 2099 else None



def counted(n: int, one: str, many: str) -> str:
    """``n`` with its noun in the right number: 1 buurt, 2 buurten (a list never says "buurt(en)")."""
    return f"{n} {one if n == 1 else many}"


def wijk_with_gemeente(name: str, gemeente: str) -> str:
    """A CBS wijk name that is only its number (``Wijk 00``: 41 wijken of 21 municipalities in 2024, the one wijk of
    Schiermonnikoog among them) with its municipality's name, ``Wijk 00 Schiermonnikoog``, on pages and teams; any
    other name as it is."""
    return f"{str(name).strip()} {gemeente}" if gemeente and re.fullmatch(r"Wijk \d+", str(name).strip()) else name


LANGS = ("nl", "en")

DOMAIN = {"nl": dict(DOMAIN_NL), "en": {"physical": "physical", "social": "social", "safety": "safety"}}

#: A flag without a level is still on the list (its episode is open, or just resolved) but not elevated
#: this period: it is "nazorg" (follow-up), never a bare "-".
LEVEL = {"nl": {"alarm": "alarm", "aandacht": "aandacht", "": "nazorg"},
         "en": {"alarm": "alarm", "aandacht": "attention", "": "follow-up"}}
#: The level of a domain that is on no list at all (``explain`` shows every domain).
NO_LEVEL = {"nl": "geen", "en": "none"}
STATUS = {"nl": {"nieuw": "nieuw", "aanhoudend": "aanhoudend", "verergerend": "verergerend", "opgelost": "opgelost",
                 "in behandeling": "in behandeling", "in jaarplan": "in jaarplan", "bekend": "bekend",
                 "herzien": "herzien"},
          "en": {"nieuw": "new", "aanhoudend": "ongoing", "verergerend": "worsening", "opgelost": "resolved",
                 "in behandeling": "being handled", "in jaarplan": "in the annual plan", "bekend": "known",
                 "herzien": "revised"}}

MONTHS = {"nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                 "oktober", "november", "december"],
          "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"]}

#: Column headings of a team's list (export and ``wijkradar flags``).
LIST_COLUMNS = {"nl": ["Rang", "Status", "Niveau", "Domein", "Buurtcode", "Buurt", "Periode", "Sinds", "Signalen",
                       "Toelichting"],
                "en": ["Rank", "Status", "Level", "Domain", "Area code", "Area", "Period", "Since", "Signals",
                       "Explanation"]}
#: The risk columns a list gains when the run has its risk (``marts.area_risk``).
RISK_COLUMNS = {"nl": ["Risico", "Risicofactoren"], "en": ["Risk", "Risk factors"]}
#: The rows of the section "preventief in beeld" in the CSV (beside the flags) are marked by this status.
PREVENTIVE_STATUS = {"nl": "preventief in beeld", "en": "preventive watch"}
PREVENTIVE_TITLE = "Preventief in beeld"
#: Columns of the section in the workbook and on the page.
PREVENTIVE_COLUMNS = ["Rang", "Domein", "Buurtcode", "Buurt", "Kans op escalatie", "Periode", "Risicofactoren"]
PREVENTIVE_INTRO = ("Buurten van dit wijkteam zonder signaal in dit domein, maar met een hoge kans dat de signalen "
                    "de komende maanden sterk stijgen (escalatie). Bedoeld om preventief in beeld te houden; het is "
                    "een verwachting uit de geschiedenis en de buurtkenmerken, geen signaal.")
PREVENTIVE_NONE = "Geen buurten van dit wijkteam met een hoge kans op escalatie zonder huidig signaal."


def preventive_none(models: dict | None) -> str:
    """The sentence of an empty section *preventief in beeld*: :data:`PREVENTIVE_NONE` where the run estimated the
    risk of every domain, else which domains it could not estimate (``models``: what ``meta.risk_runs`` recorded per
    domain, ``skipped`` where it was not estimated: too short a history, a source stopped, too few escalations to
    learn from). "No buurt with a high chance" was said where no chance was known (a municipality's first months)."""
    skipped = sorted(d for d, m in (models or {}).items() if isinstance(m, dict) and "skipped" in m)
    if not skipped:
        return PREVENTIVE_NONE
    names = " en ".join(domain_word(d) for d in skipped)
    why = ("de eigen geschiedenis van de buurten is daarvoor nog te kort, er ontbreken recente cijfers of er zijn te "
           "weinig voorbeelden om van te leren")
    if len(skipped) == len(models or {}):
        return f"De kans op escalatie is nu niet te schatten voor {names}: {why}."
    return f"{PREVENTIVE_NONE} Voor {names} is de kans op escalatie nu niet te schatten: {why}."
RISK_UNKNOWN = "onbekend"

#: Column headings and titles of ``wijkradar explain``.
EXPLAIN = {
    "nl": {"evidence": "Onderbouwing per domein", "series": "Reeksen", "team": "wijkteam", "yes": "ja",
           "shared": "gemeentebreed",
           "shared_note": "gemeentebreed {factor} keer de verwachting sinds {since}: de buurt is beoordeeld tegen die "
                          "verschoven verwachting; verwacht, bovengrens en p hier zijn die van de reeks zelf",
           "evidence_cols": ["domein", "periode", "p (domein)", "q (FDR)", "niveau", "status", "sinds"],
           "as_listed": "{domain} {when}: niveau en status zoals de lijst van {label} ze toonde; p, q en de reeksen "
                        "zijn de cijfers van nu",
           "no_rise": ", die geen verhoging meer tonen", "revised": " (herzien op de lijst van {label})",
           "series_cols": ["signaal", "domein", "periode", "aantal", "verwacht", "bovengrens", "p", "alarm", "methode",
                           "reden"]},
    "en": {"evidence": "Evidence per domain", "series": "Series", "team": "wijkteam", "yes": "yes",
           "shared": "shared",
           "shared_note": "x{factor} the baselines in most buurten since {since}: the buurt was judged against that "
                          "shifted baseline; expected, upper bound and p here are the series' own",
           "evidence_cols": ["domain", "period", "p (domain)", "q (FDR)", "level", "status", "since"],
           "as_listed": "{domain} {when}: level and status as the list of {label} showed them; p, q and the series "
                        "are today's counts",
           "no_rise": ", which show no rise any more", "revised": " (revised on the list of {label})",
           "series_cols": ["signal", "domain", "period", "count", "expected", "upper bound", "p", "alarm", "method",
                           "reason"]},
}


def level_word(level: str | None, status: str | None = "", lang: str = "nl") -> str:
    """``alarm`` / ``aandacht``; a listed flag without a level is ``nazorg``; a domain on no list ``geen``."""
    level = level or ""
    if not level and not status:
        return NO_LEVEL[lang]
    return LEVEL[lang].get(level, level)


def status_word(status: str | None, lang: str = "nl") -> str:
    return STATUS[lang].get(status or "", status or "")


def domain_word(domain: str, lang: str = "nl") -> str:
    return DOMAIN[lang].get(domain, domain)


def number(x: float, lang: str = "nl", decimals: int = 1) -> str:
    """A number with a fixed number of decimals; a decimal comma in Dutch."""
    text = f"{x:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def count_text(count, partial=False, lang: str = "nl", provisional=False) -> str:
    """A series' count as the lists show it; "minstens 14" where it is a lower bound (``partial``: a part of the
    total is unknown, a suppressed ``<5`` cell no delivery holds a count of, ``catalog.partial_totals``); "14
    (voorlopig)" where it is a provisional figure of its source (the police's latest months)."""
    text = str(int(count))
    if not (partial is None or pd.isna(partial) or not partial):
        text = f"{'minstens' if lang == 'nl' else 'at least'} {text}"
    if not (provisional is None or pd.isna(provisional) or not provisional):
        text += " (voorlopig)" if lang == "nl" else " (provisional)"
    return text


def format_bound(upper: float | None, lang: str = "nl") -> str:
    """The upper bound as every output shows it: one decimal, rounded *down* to the tenth (6.96 -> ``6,9``;
    a whole bound without decimals: 5.0 -> ``5``).

    Counts are whole numbers and a count is above the bound when it is larger than it; rounding
    down to a tenth keeps that true of the printed number (``7 meldingen (bovengrens 6,9)`` is above,
    ``6 meldingen (bovengrens 6,9)`` is not), where rounding to ``7,0`` would show a count of 7 "above"
    a bound of 7. One decimal matches the expected value next to it. Missing -> empty text.
    """
    if upper is None or (isinstance(upper, float) and math.isnan(upper)) or pd.isna(upper):
        return ""
    tenth = Decimal(repr(float(upper))).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    if tenth == tenth.to_integral_value():
        return str(int(tenth))             # the seasonal detector's bounds are whole counts: "5", not "5,0"
    return number(float(tenth), lang)


def period_text(start, period: str, lang: str = "nl") -> str:
    """A period as a person reads it: ``2026-W47`` for an ISO week, ``oktober 2026`` for a month."""
    if start is None or (not isinstance(start, str) and pd.isna(start)):
        return ""
    if isinstance(start, str):
        try:
            start = pd.Timestamp(start)
        except ValueError:
            return start                   # already a label (or not a date): shown as given
    start = pd.Timestamp(start)
    if period == "month":
        return f"{MONTHS[lang][start.month - 1]} {start.year}"
    if period == "year":
        return str(start.year)
    if period == "week":                      # as calendar.period_label, without a Series per call
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return period_label(pd.Series([start]), period).iloc[0]


#: The period type of each source's loads (``wijkteam`` delivers both: a first of the month is a month).
SOURCE_PERIOD = {"meldingen": "week", "schulden": "month", "politie": "month", "cbs-kwb": "year"}


def load_period_text(value, source: str, lang: str = "nl", kind: str | None = None) -> str:
    """A load's first or last period (a date in ``meta.loads``, ``kind`` week or month as the load recorded it)
    as a period label; a load from before kinds were recorded reads a date on the 1st as a month."""
    if value is None or isinstance(value, str) or pd.isna(value):
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
    ts = pd.Timestamp(value)
    kind = kind if isinstance(kind, str) and kind in ("week", "month") else None
    period = kind or SOURCE_PERIOD.get(source) or ("month" if ts.day == 1 else "week")
    return period_text(ts, period, lang)


def percent(p: float) -> str:
    """A probability as a Dutch percentage: ``23 %``; below half a percent ``<1 %``."""
    return "<1 %" if p < 0.005 else f"{round(100 * p):.0f} %"


def risk_word(p: float, high: float) -> str:
    """``zeer hoog`` (at least twice ``high``), ``hoog`` (at least ``high``), ``verhoogd`` (half of it) or ``laag``."""
    if p >= 2 * high:
        return "zeer hoog"
    if p >= high:
        return "hoog"
    return "verhoogd" if p >= high / 2 else "laag"


def risk_text(p, high: float) -> str:
    """The chance of an escalation as the lists show it: ``23 % (hoog)``; missing: ``onbekend``."""
    if p is None or pd.isna(p):
        return RISK_UNKNOWN
    return f"{percent(float(p))} ({risk_word(float(p), high)})"


def span_text(first, last, lang: str = "nl") -> str:
    """A span of months: ``november 2026 t/m januari 2027``."""
    a, b = pd.Timestamp(first), pd.Timestamp(last)
    joint = "t/m" if lang == "nl" else "to"
    return f"{MONTHS[lang][a.month - 1]} {a.year} {joint} {MONTHS[lang][b.month - 1]} {b.year}"


#: What a source's counts are called in a sentence about periods that are missing.
SOURCE_NOUN = {"nl": {"meldingen": "meldingen", "schulden": "schuldsignalen", "politie": "politiecijfers",
                      "wijkteam": "wijkteamsignalen"},
               "en": {}}


def periods_text(starts, kind: str = "week", lang: str = "nl") -> str:
    """Weeks or months as a person reads them: ``2026-W48``, ``2026-W48 t/m 2027-W52`` (``november 2026 t/m januari
    2027``) when they follow each other, else the first and last with how many (``12 weken tussen 2026-W40 en
    2027-W03``)."""
    starts = sorted(pd.Timestamp(s) for s in starts)
    first, last = period_text(starts[0], kind, lang), period_text(starts[-1], kind, lang)
    if len(starts) == 1:
        return first
    steps = ((starts[-1] - starts[0]).days // 7 if kind == "week" else
             (starts[-1].year - starts[0].year) * 12 + starts[-1].month - starts[0].month)
    if steps == len(starts) - 1:
        return f"{first} {'t/m' if lang == 'nl' else 'to'} {last}"
    return (f"{len(starts)} {unit_word(kind, True)} tussen {first} en {last}" if lang == "nl"
            else f"{len(starts)} {unit_word(kind, True, 'en')} between {first} and {last}")


def began_text(young: dict, kind: str, lang: str = "nl") -> str:
    """When the sources of ``young`` (source -> (its first period, ...): a history still too short to judge) begin:
    'de meldingen beginnen pas in 2026-W23', English 'meldingen begins in 2026-W23', joined with 'en' ('and')."""
    if lang == "nl":
        return " en ".join(f"de {SOURCE_NOUN['nl'].get(s, 'cijfers van ' + s)} beginnen pas in {period_text(a, kind)}"
                           for s, (a, _) in sorted(young.items()))
    return " and ".join(f"{s} begins in {period_text(a, kind, 'en')}" for s, (a, _) in sorted(young.items()))


def unjudged_text(kind: str, start, lang: str = "nl", missing: dict | None = None, latest=None,
                  run_kind: str = "week", young: dict | None = None, own_periods: int = 10) -> str:
    """One sentence saying that a run's own period (``kind``, ``start``: its week, month, or the monthly part of a
    weekly run) could not be judged and why, for a list (Dutch) or the run's warnings (English).

    ``missing``: source -> the period starts up to the run's own period that the source never delivered
    (``flag.gap_periods``: the reason, when known); ``latest``: the newest month that was scored (for the monthly
    part); ``young``: source -> (its first period, the first period it can be judged) of the sources whose history
    is still too short (a series is scored from its ``own_periods``-th period: ``export.OWN_PERIODS``).
    """
    label = period_text(start, kind, lang)
    nouns = SOURCE_NOUN[lang]
    gaps = {s: w for s, w in (missing or {}).items() if len(w)}
    young = dict(sorted((young or {}).items())) if not gaps else {}
    if lang == "nl":
        what = ("weeksignalen" if kind == "week" else "signalen") if kind == run_kind else "maandsignalen"
        then = f"; deze lijst bevat daarom geen {what}."
        if young:
            units = unit_word(kind, True)
            began = began_text(young, kind)
            since = max(b for _, b in young.values())
            why = (f"er zijn nog te weinig {units} met cijfers om te vergelijken ({began}). Een buurt wordt "
                   f"beoordeeld vanaf de {own_periods}e {unit_word(kind)} met cijfers, hier vanaf "
                   f"{period_text(since, kind)}")
        elif kind == run_kind and gaps:
            why = " en ".join(f"de {nouns.get(s, 'cijfers van ' + s)} van {periods_text(w, kind)} ontbreken"
                              for s, w in sorted(gaps.items()))
        elif kind == "month" and kind != run_kind:
            why = (f"de nieuwste maand met cijfers is {period_text(latest, 'month')}" if latest is not None
                   else "er zijn geen recente maandcijfers")
        else:
            why = f"de cijfers van die {unit_word(kind)} konden niet worden doorgerekend"
        return f"{label} kon niet beoordeeld worden: {why}{then}"
    if young:
        began = began_text(young, kind, "en")
        since = max(b for _, b in young.values())
        why = (f"too little history: {began}; a series is scored from its {own_periods}th "
               f"{unit_word(kind, lang='en')}, here from {period_text(since, kind, 'en')}")
        todo = ("nothing is missing: keep delivering, or load the earlier "
                f"{unit_word(kind, True, 'en')} of the source if it has them (wijkradar ingest)")
    elif kind == run_kind and gaps:
        why = " and ".join(f"{s} delivered no counts for {periods_text(w, kind, 'en')}" for s, w in sorted(gaps.items()))
        todo = f"deliver those {unit_word(kind, True, 'en')} (wijkradar ingest) and run again"
    elif kind == "month" and kind != run_kind:
        why = (f"the newest month scored is {period_text(latest, 'month', 'en')}" if latest is not None
               else "no recent month was scored")
        todo = "deliver the monthly sources' newer months and run again"
    else:
        why = f"the {kind} was not scored"
        todo = "check the run's notes on periods left out and run again once they are delivered"
    part = "weekly flags" if kind == "week" else "flags" if kind == run_kind else "monthly flags"
    return (f"{label} was not judged ({why}), so its lists hold no {part} and say so in Dutch; {todo}")


def unjudged_domain_text(domain: str, kind: str, latest, lang: str = "nl") -> str:
    """One sentence saying that a domain could not be judged for the run's lists while others were (its sources
    stopped or are late: ``flag.unjudged_domains``), with its newest scored period ``latest``; for a list (Dutch) or
    the run's warnings (English)."""
    name = DOMAIN[lang].get(domain, domain)
    unit = unit_word(kind, lang=lang)
    if lang == "nl":
        return (f"{name[:1].upper()}{name[1:]} kon voor deze lijst niet beoordeeld worden: de nieuwste {unit} met "
                f"cijfers is {period_text(latest, kind)}; deze lijst bevat daarom geen signalen van {name}.")
    return (f"{name} was not judged for this run's lists (its newest {unit} scored is {period_text(latest, kind, 'en')}), "
            f"so they hold no {name} flags and say so in Dutch; deliver its newer {unit_word(kind, True, 'en')} "
            "(wijkradar ingest) and run again")


def young_domain_text(domain: str, kind: str, young: dict, own_periods: int, lang: str = "nl") -> str:
    """One sentence saying that a domain is not judged yet for too short a history while others were (``young``:
    source -> (its first period, the first period it can be judged)); for a list (Dutch) or the run's warnings."""
    name = DOMAIN[lang].get(domain, domain)
    since = max(b for _, b in young.values())
    if lang == "nl":
        began = began_text(young, kind)
        return (f"{name[:1].upper()}{name[1:]} kon voor deze lijst nog niet beoordeeld worden: er zijn nog te weinig "
                f"{unit_word(kind, True)} met cijfers om te vergelijken ({began}). Een buurt wordt beoordeeld vanaf de "
                f"{own_periods}e {unit_word(kind)} met cijfers, hier vanaf {period_text(since, kind)}; deze lijst "
                f"bevat daarom geen signalen van {name}.")
    began = began_text(young, kind, "en")
    return (f"{name} was not judged for this run's lists (too little history: {began}; a series is scored from its "
            f"{own_periods}th {unit_word(kind, lang='en')}, here from {period_text(since, kind, 'en')}); nothing is "
            "missing: keep delivering, or load the source's earlier periods (wijkradar ingest)")


def gap_text(domain: str, kind: str, missing, lang: str = "nl") -> str:
    """One sentence on a gap before the run's own period (``flag.gaps_before``): the periods of ``domain`` that
    were never scored, and that what was on the lists before it is not judged since; for a list (Dutch) or the run's
    warnings (English)."""
    name = DOMAIN[lang].get(domain, domain)
    if lang == "nl":
        return (f"Na een onderbreking: {name} had geen cijfers van {periods_text(missing, kind)}. Signaleringen van "
                f"{name} van daarvoor zijn niet meer beoordeeld en staan niet meer op de lijst; het jaarplan noemt ze.")
    return (f"{name} had no counts scored for {periods_text(missing, kind, 'en')} before this run's period: its flags "
            "listed before that gap ended unjudged and are off the lists (the year plan names them); the lists say so "
            "in Dutch")


def shared_shift_text(shifts: list[dict], lang: str = "nl", where: str = "") -> str:
    """One sentence saying that signals rose in most buurten of a municipality at once (``models.shared``: a change
    in the source, such as a new reporting app, or in the whole municipality), by how much and since when, and that
    its buurten are listed only where they rise beyond it; for a list (Dutch) or the run's log (English, ``where``:
    the municipality). ``shifts``: ``label_nl``/``label_en``, ``period``, ``factor``, ``since`` per signal."""
    def one(s: dict) -> str:
        name = s.get(f"label_{lang}") or s["signal"]
        factor = f"{s['factor']:.1f}".replace(".", "," if lang == "nl" else ".")
        since = period_text(s["since"], s["period"], lang)
        return (f"{name[:1].lower() + name[1:]} ({factor} keer de verwachting, sinds {since})" if lang == "nl"
                else f"{name} ({s['signal']}, x{factor} the baselines since {since})")
    named = [one(s) for s in shifts]
    listed = ", ".join(named[:-1]) + (" en " if lang == "nl" else " and ") + named[-1] if len(named) > 1 else named[0]
    if lang == "nl":
        return (f"In de meeste buurten van de gemeente tegelijk hoger: {listed}. Dat wijst op een verandering in de "
                "bron (bijvoorbeeld een nieuwe meldapp) of in de hele gemeente, niet op een stijging per buurt: een "
                "buurt staat daarvoor alleen op de lijst als hij er nog boven uitkomt.")
    return (f"{where + ': ' if where else ''}shared shift, risen in most buurten at once: {listed}; its buurten are "
            "judged against that (listed only where they rise beyond it); check the source for a change (a new "
            "reporting app, a category mapping) before the lists go out")


def unit_word(period: str, plural: bool = False, lang: str = "nl") -> str:
    words = {"nl": {"week": ("week", "weken"), "month": ("maand", "maanden")},
             "en": {"week": ("week", "weeks"), "month": ("month", "months")}}[lang][period]
    return words[1] if plural else words[0]


# ------------------------------------------------------------------------------------------------------------
# Settings (the Toelichting sheet): a Dutch name with the key in brackets, values in Dutch notation
# ------------------------------------------------------------------------------------------------------------

SETTING_NAMES_NL = {
    "fdr": "Fout-ontdekkingspercentage voor alarm",
    "alarm_level": "Alarm bij een kans per buurt en domein van hoogstens",
    "attention_level": "Aandacht bij een kans per buurt en domein van hoogstens",
    "month_factor": "Maandperioden: de grenzen voor alarm en aandacht maal",
    "team_buurten": ("Wijkteams met meer buurten dan dit delen de grenzen voor alarm en aandacht van een team "
                     "van deze grootte"),
    "tau": "Zonder verwachte aantallen: reeksen met een kans van hoogstens dit tellen mee in het bewijs van een domein",
    "score_weeks": "Weken die elke run berekent",
    "score_months": "Maanden die elke run berekent",
    "attention_fdr": "Fout-ontdekkingspercentage voor aandacht",
    "min_count": "Minimum aantal in een periode om mee te tellen",
    "persistence": "Aandacht vraagt verhoging in zoveel van de laatste perioden",
    "elevated_p": "Grens voor 'verhoogd' (kans per reeks, gecorrigeerd voor het aantal reeksen)",
    "alarm_p": "Gewicht van een reeksalarm, zoals een geleidelijke stijging (kans)",
    "series_level": ("Reeksalarm voor de lijst: een weekreeks met een kans van hoogstens dit (en genoeg tellingen) "
                     "zet haar buurt op de lijst"),
    "series_min_counts": "Reeksalarm voor de lijst: minimum aantal tellingen van die weekreeks in de laatste 4 weken",
    "resolve_after_weeks": "Weken niet verhoogd voordat een weeksignaal opgelost is",
    "resolve_after_months": "Maanden niet verhoogd voordat een maandsignaal opgelost is",
    "feedback_quiet_weeks": "Weken dat een beantwoord signaal niet opnieuw als nieuw of aanhoudend verschijnt",
    "chance_entries": ("Vermeldingen per wijkteam per week waarop de grenzen worden ingesteld, op de eigen "
                       "berekende geschiedenis (0: de grenzen zoals gegeven)"),
    "level_scale": "De grenzen voor alarm, aandacht en reeksalarm maal (zo ingesteld op de eigen geschiedenis)",
    "feedback_version": "Versie van de verwerkte terugkoppeling (kenmerk)",
    "method": "Detectiemethode",
    "alpha": "Kans dat een gewone periode boven de bovengrens uitkomt",
    "cusum_h": "Drempel voor een geleidelijke stijging (CUSUM)",
    "cusum_shift": "Stijging die de CUSUM zoekt (in standaardafwijkingen)",
    "frequency": "Perioden per jaar",
    "long_b": "Jaren geschiedenis voor het verwachte niveau (waar beschikbaar)",
    "holidays": ("Kerst- en nieuwjaarsweek tellen niet mee in het verwachte niveau van de weken eromheen, en krijgen "
                 "zelf het effect dat de feestdagen eerdere jaren hadden"),
    "moving_holidays": ("Weekreeksen: de weken van Pasen, Koningsdag, Hemelvaart en Pinksteren en de week erna "
                        "krijgen het effect dat die feestdagen eerdere jaren hadden (minder meldingen, en inhalen "
                        "in de week erna)"),
    "trend_cap": "Een trend telt mee zolang hij niet boven zoveel keer het hoogste eerdere aantal voorspelt",
    "recent_ratio": ("Het verwachte niveau wordt dat van het laatste halfjaar van de referentie als de voorspelling "
                     "zoveel keer erboven of eronder ligt"),
    "excluded_z": ("Maandreeksen: een trend, of een stijging naar het niveau van het laatste halfjaar van de "
                   "referentie, telt niet mee als de 6 maanden daarna (die niet in de referentie zitten) zoveel "
                   "standaardfouten lager liggen dan voorspeld"),
    "reference_version": "Versie van de referentiegegevens",
    "risk_months": "Risico: lengte van een periode in maanden (de voorspelde periode is de volgende)",
    "risk_ratio": "Risico: escalatie is minstens zoveel keer het gemiddelde van de perioden ervoor",
    "risk_min_excess": "Risico: en minstens zoveel meer dan dat gemiddelde",
    "risk_window": "Risico: aantal eerdere perioden voor dat gemiddelde",
    "risk_max_train_periods": "Risico: hoogstens zoveel recente perioden om van te leren",
    "risk_min_probability": "Preventief in beeld: minimale kans op escalatie",
    "risk_top_share": "Preventief in beeld: alleen het hoogste deel van de buurten van de gemeente",
    "risk_per_team": "Preventief in beeld: hoogstens zoveel buurten per wijkteam",
    "logic_version": "Versie van de rekenregels",
    "windows": "Een stijging wordt ook gezocht over zoveel perioden samen, tot en met de laatste",
    "run_period": "Periode waarvoor de run is gemaakt (dezelfde leveringen in een latere week geven een nieuwe run)",
}
SETTING_GROUPS_NL = {"week": "weekreeksen", "month": "maandreeksen"}
SETTING_VALUES_NL = {"auto": "auto (Noufaily en CUSUM; een voortschrijdend niveau bij een korte geschiedenis)"}


def _flatten(settings: dict, prefix: str = ""):
    for key in sorted(settings):
        value = settings[key]
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def setting_value(key: str, value) -> str:
    """A setting's value in Dutch notation: ``0,05``, ``ja``, a list as ``1, 2, 3 of 4 weken``."""
    parts = key.split(".")
    leaf, group = parts[-1], parts[0]
    if leaf == "persistence" and isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{value[0]} van de laatste {value[1]} perioden"
    if value is None:
        return "geen"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float)):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, str):
        return SETTING_VALUES_NL.get(value, value)
    if isinstance(value, (list, tuple)):
        items = [setting_value(leaf, v) for v in value]
        text = ", ".join(items[:-1]) + f" of {items[-1]}" if len(items) > 1 else "".join(items) or "geen"
        if leaf == "windows" and group in ("week", "month") and items:
            text += " " + unit_word(group, plural=value[-1] != 1)
        return text
    return json.dumps(value)


def setting_name(key: str) -> str:
    """``budget.fdr`` -> ``Fout-ontdekkingspercentage voor alarm (fdr)``; an unknown key stays as it is."""
    parts = key.split(".")
    if parts[0] == "level_scale" and len(parts) == 2:       # the factor the run set a team's levels to
        return f"{SETTING_NAMES_NL['level_scale']}, wijkteam {parts[1]} (level_scale)"
    name = SETTING_NAMES_NL.get(parts[-1])
    if name is None:
        return key
    group = SETTING_GROUPS_NL.get(parts[0]) if len(parts) > 1 else None
    return f"{name}{', ' + group if group else ''} ({parts[-1]})"


def setting_rows(settings: dict) -> list[tuple[str, str]]:
    """The run's settings as (Dutch name, value) rows, in a stable order."""
    return [(setting_name(k), setting_value(k, v)) for k, v in _flatten(settings)]


# ------------------------------------------------------------------------------------------------------------
# Quarantine reasons: the sources' English Check reasons (and the privacy guard's) in Dutch
# ------------------------------------------------------------------------------------------------------------

#: Exact reason texts of ``pipelines/sources/*.py`` -> Dutch.
REASONS_NL = {
    # common.area_checks
    "buurtcode is empty (a location given only as coordinates is not placed in a buurt)":
        "buurtcode is leeg (een locatie met alleen coördinaten wordt niet in een buurt geplaatst)",
    "area not in division 2024: buurtcode is not a buurt of the 2024 division "
    "(and not mapped in buurtcode_wijzigingen.csv)":
        "buurt niet in indeling 2024: de buurtcode is geen buurt van de indeling 2024 "
        "(en staat niet in buurtcode_wijzigingen.csv)",
    # counts.count_checks / period_checks
    "aantal is empty or not a number": "aantal is leeg of geen getal",
    "aantal is negative": "aantal is negatief",
    "aantal is not a whole number": "aantal is geen geheel getal",
    "aantal is ambiguous: a comma followed by three digits (1,000) is a thousands separator in English and a decimal "
    "comma in Dutch, and so is a dot (1.000) in a column that also writes 2.5 and 1.234.567; write the whole number "
    "without separators (1000)":
        "aantal is dubbelzinnig: een komma met drie cijfers erna (1,000) is in het Engels een scheiding van "
        "duizendtallen en in het Nederlands een decimale komma, en zo ook een punt (1.000) in een kolom die ook 2.5 "
        "en 1.234.567 schrijft; schrijf het hele getal zonder scheidingstekens (1000)",
    "aantal is one cell merged over several rows, so it is no count of this row alone; unmerge it and give each row "
    "its own count":
        "aantal is één cel samengevoegd over meerdere rijen en dus geen aantal van deze rij alleen; maak de "
        "samenvoeging ongedaan en geef elke rij een eigen aantal",
    "maand is empty or not a period (use jjjj-mm, or jjjj-Www for weeks)":
        "maand is leeg of geen periode (gebruik jjjj-mm, of jjjj-Www voor weken)",
    "the period lies in the future": "de periode ligt in de toekomst",
    # schulden
    "schuldeiser is not one of huur, energie, water, zorgverzekering":
        "schuldeiser is niet een van huur, energie, water, zorgverzekering",
    "arrears signals are monthly; give the month (jjjj-mm)":
        "betalingsachterstanden zijn maandcijfers; geef de maand (jjjj-mm)",
    "aantal is suppressed by the supplier (small cell); the month's total for this buurt is unknown":
        "aantal is door de leverancier afgeschermd (klein aantal); het maandtotaal van deze buurt is onbekend",
    "the same buurt, creditor and month occur more than once":
        "dezelfde buurt, schuldeiser en maand komen meer dan eens voor",
    # wijkteam
    "signaal is not a wijkteam signal of the catalogue (signalen.csv)":
        "signaal is geen wijkteamsignaal uit de catalogus (signalen.csv)",
    "period type (week/month) differs from the signal's frequency in the catalogue":
        "soort periode (week/maand) wijkt af van de frequentie van het signaal in de catalogus",
    "the same buurt, signal and period occur more than once":
        "dezelfde buurt, hetzelfde signaal en dezelfde periode komen meer dan eens voor",
    # meldingen
    "the order of day and month in datum melding is ambiguous in this column: it holds dates written month-first (a "
    "second number over 12) and dates written day-first (a first number over 12) or too few month-first ones to read "
    "the column so, and this date reads both ways; export the dates as yyyy-mm-dd (jjjj-mm-dd) and deliver the file "
    "again":
        "de volgorde van dag en maand in datum melding is in deze kolom niet zeker: de kolom heeft datums met de maand "
        "eerst (een tweede getal boven de 12) en datums met de dag eerst (een eerste getal boven de 12) of te weinig "
        "datums met de maand eerst om de kolom zo te lezen, en deze datum kan op beide manieren; exporteer de datums "
        "als jjjj-mm-dd en lever het bestand opnieuw aan",
    "datum melding is empty or not a date (use dd-mm-jjjj or jjjj-mm-dd)":
        "datum melding is leeg of geen datum (gebruik dd-mm-jjjj of jjjj-mm-dd)",
    "datum melding lies in the future": "datum melding ligt in de toekomst",
    "category (hoofd/sub) is not mapped in meldingen_categorieen.csv":
        "categorie (hoofd/sub) staat niet in meldingen_categorieen.csv",
    "meldingnummer is not a report number (letters, digits and - . / _ only)":      # as earlier versions stored it
        "meldingnummer is geen geldig nummer (alleen letters, cijfers en - . / _)",
    "meldingnummer is not a report number (letters, digits and - . / _ only, at least one digit, no E-notation)":
        "meldingnummer is geen geldig nummer (alleen letters, cijfers en - . / _, minstens één cijfer, geen "
        "E-notatie)",
    "meldingnummer occurs more than once": "meldingnummer komt meer dan eens voor",     # as earlier versions stored it
    "meldingnummer occurs more than once (upper and lower case count as the same number)":
        "meldingnummer komt meer dan eens voor (hoofdletters en kleine letters gelden als hetzelfde nummer)",
    "meldingnummer occurs more than once (upper and lower case count as the same number, and so do 0001001, 1001 "
    "and 1001.0)":
        "meldingnummer komt meer dan eens voor (hoofdletters en kleine letters gelden als hetzelfde nummer, en zo "
        "ook 0001001, 1001 en 1001.0)",
    "meldingnummer occurs more than once (upper and lower case count as the same number, and so do 0001001, 1001, "
    "1001.0 and 1.001)":
        "meldingnummer komt meer dan eens voor (hoofdletters en kleine letters gelden als hetzelfde nummer, en zo "
        "ook 0001001, 1001, 1001.0 en 1.001)",
    "the correction fixes the same quarantined row (Quarantaineregel) more than once; keep one row":
        "de correctie herstelt dezelfde regel uit quarantaine (Quarantaineregel) meer dan eens; houd één regel",
    # politie
    "not a monthly period (yearly JJ00 rows are never added to monthly rows)":
        "geen maandperiode (jaarregels JJ00 worden nooit bij maandregels opgeteld)",
    "not a monthly period (quarterly KW rows are never added to monthly rows)":
        "geen maandperiode (kwartaalregels KW worden nooit bij maandregels opgeteld)",
    "not a monthly period (Perioden is not of the form jjjjMMmm)": "geen maandperiode (Perioden heeft niet de vorm jjjjMMmm)",
    "crime type is not mapped in politie_soorten.csv": "misdrijfsoort staat niet in politie_soorten.csv",
    "the same buurt, crime type and month occur more than once":
        "dezelfde buurt, misdrijfsoort en maand komen meer dan eens voor",
    # cbs-kwb
    "region code is empty": "gebiedscode is leeg",
    "area not in division 2024 (not a gemeente, wijk or buurt of the reference areas)":
        "gebied niet in indeling 2024 (geen gemeente, wijk of buurt van de referentiegebieden)",
    "buurt code is an old code of a merged buurt (several codes to one buurt in buurtcode_wijzigingen.csv): a CBS "
    "figure of a part (a share, an average) cannot be added up into the buurt's; only a renumbered buurt's code (one "
    "code to one buurt) carries its figures over":
        "buurtcode is een oude code van een samengevoegde buurt (meer codes naar één buurt in "
        "buurtcode_wijzigingen.csv): een CBS-cijfer van een deel (een aandeel, een gemiddelde) kan niet worden "
        "opgeteld tot dat van de buurt; alleen de code van een vernummerde buurt (één code naar één buurt) neemt "
        "zijn cijfers mee",
    "region is not in the table's own WijkenEnBuurten code list":
        "gebied staat niet in de eigen codelijst WijkenEnBuurten van de tabel",
    "value is not a number": "waarde is geen getal",
    "value has decimals in a topic of whole numbers (Datatype Long or no decimals in DataProperties): not whole, "
    "never read as thousands":
        "waarde heeft decimalen in een onderwerp van hele getallen (Datatype Long of geen decimalen in "
        "DataProperties): niet heel, nooit gelezen als duizendtallen",
    "the same area, year and topic occur more than once": "hetzelfde gebied, jaar en onderwerp komen meer dan eens voor",
}

#: The cell a plausibility ceiling applies to (``rows.plausible_check``), by source.
CELL_NL = {"buurt, signal and period": "buurt, signaal en periode",
           "buurt, creditor type and month": "buurt, soort schuldeiser en maand",
           "buurt, crime type and month": "buurt, misdrijfsoort en maand"}

#: The next step of a row under a split buurt's old code (``sources.common.SPLIT_NEXT_STEP``), for reports
#: (group ``records``) or for counts, as both split reasons end.
_SPLIT_NEXT_STEP = (r"(?:(?P<records>ask the supplier to deliver these reports again under the new codes \(its address "
                    r"decides the part; a report delivered again resolves its row\), or to fill in the new code of "
                    r"each report in the file of wijkradar quarantine export)|ask the supplier to deliver the period "
                    r"again under the new codes, then dismiss this row \(wijkradar quarantine dismiss LOAD --row "
                    r"N\): a count of the whole old buurt cannot be divided over its parts)")


def _split_next_step(m: re.Match) -> str:
    """The Dutch of :data:`_SPLIT_NEXT_STEP` as matched."""
    return ("vraag de leverancier deze meldingen opnieuw te leveren onder de nieuwe codes (het adres bepaalt de buurt; "
            "een opnieuw geleverde melding lost haar regel op), of de nieuwe code van elke melding in te vullen in het "
            "bestand van wijkradar quarantine export" if m["records"] else
            "vraag de leverancier de periode opnieuw te leveren onder de nieuwe codes en handel deze regel daarna af "
            "(wijkradar quarantine dismiss LOAD --row N): een aantal van de hele oude buurt is niet over de nieuwe "
            "buurten te verdelen")


#: Reasons with a value in them: (pattern, Dutch template).
REASON_PATTERNS_NL = [
    # rows.plausible_check (older versions wrote the cell with dots for commas: "buurt. signal and period")
    (re.compile(r"aantal is implausibly large \(above (?P<n>[\d.]+) per (?P<cell>[^;()]+); "
                r"max_count_(?P<source>[\w-]+) in lijst_instellingen\.csv\)"),
     lambda m: (f"aantal is onwaarschijnlijk groot (meer dan {m['n']} per "
                f"{CELL_NL.get(m['cell'].replace('.', ','), m['cell'])}; "
                f"max_count_{m['source']} in lijst_instellingen.csv)")),
    # meldingen, counts.past_check: min_year
    (re.compile(r"datum melding lies before (?P<y>\d{4}) \(min_year in lijst_instellingen\.csv\)"),
     lambda m: f"datum melding ligt vóór {m['y']} (min_year in lijst_instellingen.csv)"),
    (re.compile(r"the period lies before (?P<y>\d{4}) \(min_year in lijst_instellingen\.csv\)"),
     lambda m: f"de periode ligt vóór {m['y']} (min_year in lijst_instellingen.csv)"),
    # delivery.corrections_not_applied: a correction of a row that is no longer open
    (re.compile(r"the quarantined row this corrects was resolved by a later delivery \(load (?P<by>[\w-]+)\); "
                r"nothing applied"),
     lambda m: f"de regel uit quarantaine die dit herstelt is al opgelost door een latere levering (load {m['by']}); "
               "niets toegepast"),
    (re.compile(r"the quarantined row this corrects was dismissed by an analyst; nothing applied"),
     lambda m: "de regel uit quarantaine die dit herstelt is door een analist afgehandeld zonder correctie; "
               "niets toegepast"),
    (re.compile(r"the quarantined row this corrects was superseded by load (?P<by>[\w-]+), which quarantined it "
                r"again; correct that row instead; nothing applied"),
     lambda m: f"de regel uit quarantaine die dit herstelt is vervangen door load {m['by']}, die hem opnieuw in "
               "quarantaine zette; herstel die regel; niets toegepast"),
    (re.compile(r"the quarantined row this corrects was corrected before \(load (?P<by>[\w-]+)\) and then "
                r"delivered again \(load (?P<writer>[\w-]+)\); nothing applied"),
     lambda m: f"de regel uit quarantaine die dit herstelt is eerder hersteld (load {m['by']}) en daarna opnieuw "
               f"geleverd (load {m['writer']}); niets toegepast"),
    # sources.merges.conflicts: an old code of a merged buurt beside the whole buurt
    (re.compile(r"buurtcode (?P<old>\w+) is an old code of (?P<new>\w+) \(merged\), and this file also holds "
                r"(?P=new) itself for the same signal and period, which covers the whole buurt; deliver the period "
                r"under (?P=new) only"),
     lambda m: f"buurtcode {m['old']} is een oude code van {m['new']} (samengevoegd), en dit bestand bevat ook "
               f"{m['new']} zelf voor hetzelfde signaal en dezelfde periode, en dat is de hele buurt; lever de "
               f"periode alleen onder {m['new']} aan"),
    (re.compile(r"buurtcode (?P<old>\w+) is an old code of (?P<new>\w+) \(merged\), and wijkradar holds this "
                r"signal and period under (?P=new), which covers the whole buurt, so the old buurt would be counted "
                r"twice; deliver the period under (?P=new) \(the old buurten's counts added up\)"),
     lambda m: f"buurtcode {m['old']} is een oude code van {m['new']} (samengevoegd), en wijkradar heeft dit "
               f"signaal en deze periode al onder {m['new']}, de hele buurt, dus de oude buurt zou dubbel tellen; "
               f"lever de periode aan onder {m['new']} (de aantallen van de oude buurten opgeteld)"),
    # sources.rows.foreign_code: a code outside the division that is of another municipality, a wijk or a gemeente
    (re.compile(r"area not in division 2024: buurtcode is a buurt of municipality (?P<gm>GM\d{4}), not of the "
                r"profile's \((?P<own>GM\d{4}(?:, GM\d{4})*(?:, \.\.\.)?)\)"),
     lambda m: (f"buurt niet in indeling 2024: de buurtcode is een buurt van gemeente {m['gm']}, niet van die van het "
                f"profiel ({m['own']})")),
    (re.compile(r"area not in division 2024: buurtcode is the code of a wijk, not of a buurt"),
     lambda m: "buurt niet in indeling 2024: de buurtcode is de code van een wijk, niet van een buurt"),
    (re.compile(r"area not in division 2024: buurtcode is the code of a municipality, not of a buurt"),
     lambda m: "buurt niet in indeling 2024: de buurtcode is de code van een gemeente, niet van een buurt"),
    # sources.common.split_reason: a row under the old code of a buurt the profile split (SPLIT_NEXT_STEP)
    (re.compile(r"buurtcode (?P<old>\w+) is in the profile split into (?P<parts>\w+(?:, \w+)*) and is no buurt of "
                r"its own any more \(a split cannot be mapped in buurtcode_wijzigingen\.csv\): "
                + _SPLIT_NEXT_STEP),
     lambda m: (f"buurtcode {m['old']} is in het profiel gesplitst in {m['parts']} en is geen eigen buurt meer (een "
                "splitsing kan niet in buurtcode_wijzigingen.csv worden vastgelegd): "
                + _split_next_step(m))),
    # sources.common.split_reason of a split whose parts are not known (several buurten of its wijk split at once)
    (re.compile(r"buurtcode (?P<old>\w+) is split in the profile's new division and is no buurt of its own any more "
                r"\(other buurten of its wijk were split in the same change, so its parts are not known\): declare "
                r"its parts in buurtcode_wijzigingen\.csv \(a line per part, kind splitsing; this moves nothing\), "
                r"then " + _SPLIT_NEXT_STEP),
     lambda m: (f"buurtcode {m['old']} is in de nieuwe buurtindeling van het profiel gesplitst en is geen eigen buurt "
                "meer (andere buurten van de wijk zijn tegelijk gesplitst, dus welke nieuwe buurten haar vervangen is "
                "nog niet vastgelegd): "
                + _split_next_step(m))),
    # ingest._privacy_guard
    (re.compile(r"holds personal data \((?P<kind>[^)]*)\) in (?P<header>[^;]+); the value was removed"),
     lambda m: f"bevat persoonsgegevens ({m['kind']}) in {m['header']}; de waarde is verwijderd"),
    # ingest._cell_length_guard
    (re.compile(r"a cell of (?P<n>[\d,]+) characters in (?P<header>.+?) \(the limit is (?P<limit>[\d,]+)\) was "
                r"not kept; split or shorten the cell \(a stray quote mark can join lines into one cell\), then "
                r"deliver the file again"),
     lambda m: (f"een cel van {m['n'].replace(',', '.')} tekens in {m['header']} (de grens is "
                f"{m['limit'].replace(',', '.')}) is niet bewaard; splits of verkort de cel (een los "
                "aanhalingsteken kan regels tot één cel samenvoegen) en lever het bestand opnieuw aan")),
]

_EXACT = re.compile("|".join(re.escape(k) for k in sorted(REASONS_NL, key=len, reverse=True)))


def _matches(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, Dutch) for every known reason inside a joined reason text."""
    found = [(m.start(), m.end(), REASONS_NL[m.group(0)]) for m in _EXACT.finditer(text)]
    for pattern, dutch in REASON_PATTERNS_NL:
        found += [(m.start(), m.end(), dutch(m)) for m in pattern.finditer(text)]
    found.sort()
    kept, end = [], -1
    for start, stop, dutch in found:
        if start >= end:
            kept.append((start, stop, dutch))
            end = stop
    return kept


def reason_text(reason: str, lang: str = "nl") -> str:
    """A stored quarantine reason (one or more checks joined by ``; ``) in ``lang``; unknown parts stay as they are."""
    if lang == "en" or not reason:
        return reason or ""
    out, pos = [], 0
    for start, stop, dutch in _matches(reason):
        out += [reason[pos:start], dutch]
        pos = stop
    return "".join(out) + reason[pos:]


def reason_has_dutch(reason: str) -> bool:
    """Is every part of ``reason`` covered by the tables (nothing English left but the ``; `` between parts)?"""
    pos, rest = 0, []
    for start, stop, _ in _matches(reason):
        rest.append(reason[pos:start])
        pos = stop
    rest.append(reason[pos:])
    return bool(reason) and all(part.strip(" ;") == "" for part in rest)


#: Detector notes (``marts.series_scores.reason``) for ``explain`` in Dutch.
DETECTOR_NOTES_NL = [
    (re.compile(r"cusum: sustained rise \(sum (?P<s>[\d.]+) > (?P<h>[\d.]+)\)"),
     lambda m: f"cusum: aanhoudende stijging (som {m['s'].replace('.', ',')} > {m['h'].replace('.', ',')})"),
    (re.compile(r"window: rise over (?P<n>\d+) periods \((?P<c>\d+) counts, (?P<e>[\d.]+) expected\)"),
     lambda m: f"venster: stijging over {m['n']} perioden ({m['c']} geteld, {m['e'].replace('.', ',')} verwacht)"),
    (re.compile(r"(?P<sparse>sparse counts; )?history shorter than the (?P<n>\d+) periods noufaily needs"),
     lambda m: ("dunne reeks; " if m["sparse"] else "") + f"geschiedenis korter dan de {m['n']} perioden die noufaily nodig heeft"),
    (re.compile(r"above the bound but fewer than (?P<n>\d+) counts in the last (?P<w>\d+) periods"),
     lambda m: f"boven de bovengrens, maar minder dan {m['n']} in de laatste {m['w']} perioden"),
    (re.compile(r"above expectation over the last periods but fewer than (?P<n>\d+) counts in the last (?P<w>\d+) periods"),
     lambda m: f"boven verwachting opgeteld over de laatste perioden, maar minder dan {m['n']} in de laatste {m['w']} perioden"),
    (re.compile(r"baseline GLM did not converge"), lambda m: "het model voor het verwachte niveau convergeerde niet"),
]


def detector_note(reason: str | None, lang: str = "nl") -> str:
    text = reason or ""
    if lang == "nl":
        for pattern, dutch in DETECTOR_NOTES_NL:
            text = pattern.sub(dutch, text)
    return text
