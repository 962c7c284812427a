"""Person-name detection and scan speed of pipelines/privacy.py, measured; writes benchmarks/results/names.md.

Run: .venv/bin/python benchmarks/names.py

Methods compared (recall on person names, false positives on non-person text):
  lijst-strikt  privacy._name_spans(mode="strikt")  (what scan_values uses), on the normalised text
  lijst-ruim    privacy._name_spans(mode="ruim")    (also a lone capitalised surname)
  deduce        Deduce 3.0.6 full de-identification pipeline, 'persoon'/'patient' annotations
                (only when the `deduce` package is installed; it is not a project dependency)
No Dutch NER model is on PyPI: no nl_core_news_* (spaCy) wheel exists there, and the Hugging Face hub is
out of reach at run time, so Deduce (rule + lookup based, the standard Dutch de-identifier) stands in for one.
"""
from __future__ import annotations

import gzip
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipelines import privacy  # noqa: E402

SEED = 20261128
BUURTEN = Path("/work/shared/data/nl-buurten-2024/regios_kwb2024_misdrijven2021_2024.csv.gz")
if not BUURTEN.exists():
    BUURTEN = ROOT.parent / "shared/data/nl-buurten-2024/regios_kwb2024_misdrijven2021_2024.csv.gz"

# Signalen (Amsterdam) category names: api/app/signals/apps/signals/fixtures/categories.json of
# github.com/Amsterdam/signals (commit 157aab9c, MPL-2.0), all 86 names, plus the names created by
# migrations 0087 (Wonen), 0094 (SIG-2170) and 0157 of the same repository.
SIGNALEN = """Veeg- / zwerfvuil|Grofvuil|Huisafval|Bedrijfsafval|Puin / sloopafval|Container is vol|Prullenbak is vol|
Container is kapot|Prullenbak is kapot|Asbest / accu|Overig afval|Container voor plastic afval is vol|
Container voor plastic afval is kapot|Onderhoud stoep, straat en fietspad|Verkeersbord, verkeersafzetting|Gladheid|
Omleiding / belijning verkeer|Brug|Straatmeubilair|Fietsrek / nietje|Put / riolering verstopt|Speelplaats|
Sportvoorziening|Straatverlichting / openbare klok|Klok|Verkeerslicht|Overig Wegen, verkeer, straatmeubilair|
Verkeersoverlast / Verkeerssituaties|Lozing / dumping / bodemverontreiniging|Parkeeroverlast|Fietswrak|
Stank- / geluidsoverlast|Bouw- / sloopoverlast|Auto- / scooter- / bromfiets(wrak)|Graffiti / wildplak|Honden(poep)|
Hinderlijk geplaatst object|Deelfiets|Overig openbare ruimte|Boom|Maaien / snoeien|Onkruid|Drijfvuil|
Oever / kade / steiger|Overig groen en water|Ratten|Ganzen|Duiven|Meeuwen|Wespen|Dode dieren|Overig dieren|
Vuurwerkoverlast|Overlast door afsteken vuurwerk|Overige overlast door personen|Personen op het water|
Overlast van taxi's, bussen en fietstaxi's|Jongerenoverlast|Daklozen / bedelen|Wildplassen / poepen / overgeven|
Drank- en drugsoverlast|Geluidsoverlast muziek|Geluidsoverlast installaties|Overlast terrassen|Stank horeca/bedrijven|
Stankoverlast|Overlast door bezoekers (niet op terras)|Overig horeca/bedrijven|Overlast op het water - snel varen|
Overlast op het water - Vaargedrag|Overlast op het water - geluid|Overlast op het water - Gezonken boot|
Scheepvaart nautisch toezicht|Overlast vanaf het water|Overig boten|Overig|Wegsleep|Afval|
Wegen, verkeer, straatmeubilair|Overlast in de openbare ruimte|Openbaar groen en water|Overlast van dieren|
Overlast van en door personen of groepen|Overlast Bedrijven en Horeca|Overlast op het water|
Onderhuur en adreskwaliteit|Leegstand|Woningdelen / spookburgers|Boom - boomstob|Container glas kapot|
Container glas vol|Blokkade van de vaarweg|Olie op het water|Oplaadpunt|Tijdelijke Verkeersmaatregelen|
Loslopende agressieve honden|Wonen ondermijning|Wonen|Vakantieverhuur"""

# Realistic report texts without persons, written for this benchmark (street names without house numbers,
# place names, sentence-initial capitals, shops and institutions named after people on purpose).
FREE_TEXT = """Er ligt al drie dagen grofvuil naast de container op de hoek van de Jan van Galenstraat.
De lantaarnpaal bij het speeltuintje in het Prins Hendrikpark doet het niet meer.
Jongeren hangen elke avond rond bij het winkelcentrum De Weide en maken veel lawaai.
Container voor glas is vol bij de Albert Heijn aan de Hoofdstraat.
Auto staat al weken geparkeerd op de stoep, kenteken onbekend.
Hondenpoep op het grasveld bij basisschool De Regenboog.
In de sloot aan de Kerkweg drijft een dode vis, het stinkt enorm.
Bewoners klagen over harde muziek uit het café op de Markt tot 3 uur 's nachts.
Fietswrak staat al maanden tegen het hek van station Hoogeveen.
Stoeptegels liggen los op het fietspad langs de Alteveerstraat, gevaarlijk voor ouderen.
De prullenbak bij de bushalte Centrum is al dagen niet geleegd.
Overlast van meeuwen rond de vuilcontainers achter de Jumbo.
Graffiti op de muur van de sporthal aan de Stationsweg.
Er wordt drugs gedeald bij het bankje in het Van Heekpark.
Boom is omgewaaid en blokkeert de weg richting Fluitenberg.
Riolering verstopt in de Wolfsbosstraat, water komt omhoog bij regen.
Ratten gezien bij de compostbak van de volkstuinen aan de Zuiderweg.
Straatverlichting in de hele buurt Krakeel is uitgevallen sinds gisteren.
Veel zwerfafval rond de Jan Steenschool na schooltijd.
Een verlaten scooter ligt in het water bij de Prinsengracht.
Wespennest onder de dakrand van het buurthuis De Magneet.
De verkeerslichten op de kruising met de Europaweg staan steeds op rood.
Overlast van hangjongeren op het schoolplein van het Roelof van Echten College.
Er zijn vuurwerkbommen afgestoken bij de flat aan de Grote Kerkstraat.
Parkeerplaatsen bij het gezondheidscentrum zijn steeds bezet door busjes.
Bankje in het park is vernield en er liggen glasscherven.
Gladheid op de brug bij de Verlengde Hoogeveensche Vaart, niet gestrooid.
Asbest platen gedumpt in de berm langs de N48.
Onkruid groeit hoog op de stoep in de Wijk Noord.
Stank van het riool bij de Willem Alexanderlaan.
Eikenprocessierups in de bomen langs het fietspad naar Pesse.
Zwerfkatten lopen rond bij de vuilnisbakken van de flat.
De speeltoestellen in speeltuin Het Haagje zijn kapot.
Groepje jongeren gooit stenen naar de bus bij halte Wolfsbos.
Overvolle ondergrondse container bij de Sint Jansstraat.
Illegaal gestort bouwafval op het parkeerterrein van sportpark Bentinckspark.
Geluidsoverlast door een bouwplaats die al om 6 uur begint.
Het trottoir is verzakt voor de bibliotheek aan de Raadhuisstraat.
Er ligt olie op de weg bij de rotonde van de Mr. Cramerweg.
Losse stoeptegel bij de ingang van het Bethesda ziekenhuis.
Kapotte lantaarnpaal op het Burgemeester Tjalmaplein.
Dode duif op de stoep bij de Willem de Zwijgerstraat.
Honden lopen los in het natuurgebied bij de Hoogeveense Vaart.
Overhangende takken belemmeren het zicht op de Griendtsveenweg.
De afvalbak bij het Koningin Julianapark zit vol.
Er staat een winkelwagen van de Lidl in de sloot.
Wildplassen achter het stadhuis tijdens de kermis.
Verkeersbord is omgereden op de hoek van de Van Limburg Stirumstraat.
Bewoners melden rook uit een schoorsteen die de hele straat vult.
Kinderen spelen op de bouwplaats van het nieuwe appartementencomplex, onveilig.
De fontein op het Raadhuisplein staat droog en is vies.
Te hard rijden in de 30 km zone bij de Hoofdstraat.
Geparkeerde vrachtwagens in de woonwijk Erflanden.
Glasbak aan de Wolfsbosstraat is stuk, glas ligt op straat.
Er zit een gat in het wegdek bij de Pieter Zeemanweg.
Bladeren verstoppen de putten in het Oude Dorp.
Overlast door een feest in het buurthuis tot laat in de nacht.
Paaltje op het fietspad is omgereden en ligt op de grond.
Plastic afval waait uit de kapotte container bij de Oranjestraat.
Verlichting in de fietstunnel onder de A28 doet het niet.
Er is een boom gekapt zonder vergunning aan de Prins Bernhardlaan.
Het hek van de speeltuin aan de Beatrixstraat sluit niet meer.
De bushalte is beklad met stift en stickers.
Vuilniszakken worden al dagen naast de container gezet.
Overlast van ganzen op het grasveld bij de vijver in Noord.
Er liggen injectienaalden in de bosjes bij het Van der Duyn van Maasdamplein.
Drugsoverlast rond de snackbar aan de Schutstraat.
De stoep is geblokkeerd door een reclamebord van de kapper.
Brommers rijden over het voetpad in het Bentinckspark.
Lekkende brandkraan in de Ten Kateweg veroorzaakt plassen.
Groenstrook wordt als hondenuitlaatplaats gebruikt bij de Anne Frankstraat.
Gemeente heeft de bosjes bij de Johan de Wittstraat nog niet gesnoeid.
Harde knallen gehoord bij het winkelcentrum op oudejaarsavond.
De brug bij de Zwolsche Vaart gaat niet meer open.
Scheefstaande lantaarnpaal bij de Thorbeckelaan.
De kerk in het centrum wordt beklad met graffiti.
Bij de Action ligt veel verpakkingsmateriaal op straat.
Water blijft staan op de kruising na elke regenbui.
Een caravan staat al maanden op de openbare parkeerplaats.
Schoolkinderen steken gevaarlijk over bij de Van Echtenstraat.
Er zwemmen dode vissen in de vijver van het Stadspark.
Kapotte stoeptegels rond het monument op het Kerkplein.
Afvalbakken langs de Vaart worden niet geleegd in het weekend.
Overlast van duiven onder het viaduct bij het station.
Een bord van de Rabobank is losgeraakt en hangt scheef.
Hoge heg belemmert het uitzicht bij de uitrit van de Karel Doormanstraat.
De picknicktafel in het Wolfsbos is in brand gestoken.
Mensen gooien etensresten voor de eenden bij de Dr. Larijweg.
Ongedierte in de kelderboxen van de flat aan de Prinses Margrietstraat.
Vrachtverkeer rijdt door de woonstraat ondanks het verbod.
De openbare toiletten bij de markt zijn vies en kapot.
Wortels van de bomen drukken het fietspad omhoog in de Fokkerstraat.
Fietsers rijden op de stoep bij de Albert Schweitzerlaan.
Overlast door een geblokkeerde rolstoelhelling bij de Hema.
Kraaien halen de vuilniszakken open in de Tamboerijnstraat.
Borden voor de wegwerkzaamheden staan er nog terwijl het werk klaar is.
Er wordt vaak afval verbrand in een tuin aan de rand van de wijk.
Stinkende afvoer bij de vismarkt op vrijdag.
Vandalen hebben de ruiten van de bushalte bij De Wieken ingegooid.
De bloembakken op de Hoofdstraat zijn vernield.
Het zebrapad bij basisschool Het Kompas is bijna niet meer zichtbaar.
Ratten bij de voedselbank aan de Industrieweg.
Gevaarlijke situatie bij de uitrit van de Gamma.
Melding van geluidsoverlast door de supermarkt die 's nachts laadt en lost.
De Vincent van Goghstraat is al weken opengebroken.
Bij de Jan van Arkelstraat staan de vuilcontainers midden op de stoep.
Het Johan Cruijff Court wordt 's avonds gebruikt als hangplek.
De Beatrixschool meldt glas op het schoolplein.
Het Dr. Anton Philipsplein heeft kapotte bestrating.""".splitlines()

# Names written by hand that are not generated from the lists (tests coverage beyond the lookup lists).
HAND_NAMES = ["Mohamed El Amrani", "Fatima Bouzid", "Mehmet Yilmaz", "Ayşe Özdemir", "Rajesh Ramdin",
              "Priya Jagesar", "Kevin Pinas", "Nguyen Van Minh", "Anna Kowalczyk", "Tomasz Nowak", "Sanne de Boer",
              "Daan van der Linden", "Lotte Hoekstra", "Bram Dijkstra", "Noor Haddou", "Youssef Benali",
              "Emma van Dijk", "Lucas Mulder", "Sophie de Graaf", "Thijs Brouwer", "Fenna Wiersma",
              "Jeroen Kuipers", "Ingrid Veenstra", "Harm Boerema", "Gerrit Zwiers", "Hennie Lubbers",
              "Albertus Stoffers", "Roelof Kroeze", "Willemijn ter Horst", "Joost van 't Hek",
              "mevrouw Oudshoorn", "dhr. Kamphuis", "J. Scholten", "A.M. van Wijk", "H. Lanting",
              "Marloes Smeenk", "Ahmed Aydin", "Hatice Kaya", "Samira Ouali", "Stefan Dragan"]

SENTENCES = ["Melding van {} over geluidsoverlast.", "Op verzoek van {} is de container geleegd.",
             "Contactpersoon: {}", "{} belde over de lantaarnpaal.", "Bewoner {} klaagt over de buren.",
             "Volgens {} ligt er al dagen afval.", "Terugbellen naar {} graag.", "Afgehandeld door {}, team Noord."]


def lists():
    first, surname, after_tv, tvs, titles = privacy._lists()
    return sorted(first), sorted(surname), sorted(after_tv - surname or after_tv)


def generated_names(rng: random.Random, n: int) -> list[str]:
    first, surname, after_tv = lists()
    tvs = ["van", "de", "van der", "van den", "van de", "ter", "ten", "van 't", "den", "in 't"]
    out = []
    for _ in range(n):
        form = rng.randrange(6)
        f, s, a = rng.choice(first), rng.choice(surname), rng.choice(after_tv)
        ini = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") + "." for _ in range(rng.randint(1, 3)))
        out.append([f"{f} {s}", f"{f} {rng.choice(tvs)} {a}", f"{ini} {s}", f"{ini} {rng.choice(tvs)} {a}",
                    f"{f} {rng.choice(first)} {s}", f"{rng.choice(['dhr.', 'mevrouw', 'mw.', 'meneer'])} {s}"][form])
    return out


def method_fns():
    # on the text as the scanner reads it (normalised and folded, as its name lists are)
    fns = {"lijst-strikt": lambda t: bool(privacy._name_spans(privacy._normalise(t)[0], "strikt")),
           "lijst-ruim": lambda t: bool(privacy._name_spans(privacy._normalise(t)[0], "ruim"))}
    try:
        import deduce  # noqa: F401
        from deduce import Deduce

        d = Deduce()
        tags = {"persoon", "patient"}  # Deduce's person tags (others: locatie, instelling, datum, ...)
        fns["deduce 3.0.6"] = lambda t: any(a.tag in tags for a in d.deidentify(t).annotations)
    except Exception as exc:  # not installed: skipped, said so in the table
        print(f"deduce not measured: {type(exc).__name__}: {exc}")
    return fns


def rate(fn, texts) -> tuple[float, int, int, float]:
    t0 = time.perf_counter()
    hits = sum(fn(t) for t in texts)
    return hits / len(texts), hits, len(texts), time.perf_counter() - t0


def speed() -> list[tuple[str, float, int]]:
    rng = np.random.default_rng(SEED)
    n = 1_000_000
    cols = {
        "ids 'SIG-123456' (1M unique)": pd.Series([f"SIG-{i:06d}" for i in rng.permutation(n)]),
        "ids '2021-000123' (1M unique)": pd.Series([f"2021-{i:06d}" for i in rng.permutation(n)]),
        # nine digits in a row: about 1 in 11 passes the BSN 11-test and each is checked one by one (ingest keeps
        # those of a report-number column as pseudonyms, ``privacy.report_numbers``)
        "ids '202612345' (100k unique)": pd.Series([f"20{i:07d}" for i in rng.permutation(n // 10) + 2_600_000]),
        "dates '06-12-2021' (4,000 distinct)": pd.Series(pd.date_range("2015-01-01", periods=4000)
                                                         .strftime("%d-%m-%Y")).sample(n, replace=True,
                                                                                       random_state=1)
                                                         .reset_index(drop=True),
        "timestamps ISO (1M unique)": pd.Series(pd.date_range("2020-01-01", periods=n, freq="min")
                                                .strftime("%Y-%m-%dT%H:%M:%S+01:00")),
        "categories (1M, 20 distinct)": pd.Series(rng.choice(SIGNALEN.replace("\n", "").split("|")[:20], n)),
        "buurtcodes 'BU01180000' (1M, 48 distinct)": pd.Series([f"BU0118{c:04d}" for c in rng.integers(0, 48, n)]),
        "ids, object dtype (1M unique)": pd.Series([f"SIG-{i:06d}" for i in range(n)], dtype=object),
        "free text (100k rows, 10k distinct)": pd.Series(rng.choice(
            [f"{FREE_TEXT[i % len(FREE_TEXT)]} ({i})" for i in range(10_000)], 100_000)),
    }
    out = []
    for name, col in cols.items():
        privacy.scan_values(col.head(1000))  # warm-up (imports, lists)
        best = min(_timed(privacy.scan_values, col) for _ in range(3))
        out.append((name, best, int(privacy.scan_values(col).notna().sum())))
    return out


def _timed(fn, arg) -> float:
    t0 = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t0


def main() -> None:
    rng = random.Random(SEED)
    regions = pd.read_csv(gzip.open(BUURTEN, "rt", encoding="utf-8"), dtype=str)
    buurt = sorted(set(regions.loc[regions["regio_type"] == "buurt", "naam"].dropna()))
    wijk = sorted(set(regions.loc[regions["regio_type"] == "wijk", "naam"].dropna()))
    gemeente = sorted(set(regions.loc[regions["regio_type"] == "gemeente", "naam"].dropna()))
    signalen = [s.strip() for s in SIGNALEN.replace("\n", "").split("|") if s.strip()]
    ref = pd.read_csv(ROOT / "data/reference/meldingen_categorieen.csv", dtype=str)
    project_cats = sorted(set(ref["hoofdcategorie"]) | set(ref["subcategorie"]))
    gen = generated_names(rng, 1000)
    in_sentence = [rng.choice(SENTENCES).format(name) for name in gen[:500]]
    hand_in_sentence = [SENTENCES[i % len(SENTENCES)].format(name) for i, name in enumerate(HAND_NAMES)]
    positives = {"generated names, alone (1,000)": gen,
                 "generated names in sentences (500)": in_sentence,
                 "hand-written names, alone (40)": HAND_NAMES,
                 "hand-written names in sentences (40)": hand_in_sentence}
    negatives = {f"buurt names, all of CBS 2024 ({len(buurt):,})": buurt,
                 f"wijk names, all ({len(wijk):,})": wijk,
                 f"gemeente names, all ({len(gemeente):,})": gemeente,
                 f"Signalen categories ({len(signalen)})": signalen,
                 f"meldingen_categorieen.csv ({len(project_cats)})": project_cats,
                 f"free-text reports without persons ({len(FREE_TEXT)})": FREE_TEXT}
    fns = method_fns()
    rows, examples = [], {}
    for m, fn in fns.items():
        for name, texts in positives.items():
            r, hits, n, secs = rate(fn, texts)
            rows.append((m, "recall", name, r, hits, n, secs))
        for name, texts in negatives.items():
            r, hits, n, secs = rate(fn, texts)
            rows.append((m, "false positives", name, r, hits, n, secs))
            examples[(m, name)] = [t for t in texts if fn(t)][:8]
        missed = [t for t in HAND_NAMES if not fn(t)]
        examples[(m, "missed hand-written names")] = missed
    # whole scanner (all detectors) on the negative sets: what scan_values would flag
    scan_rows = []
    for name, texts in negatives.items():
        kinds = privacy.scan_values(pd.Series(texts))
        scan_rows.append((name, kinds.notna().mean(), kinds.dropna().value_counts().to_dict(),
                          [t for t, k in zip(texts, kinds) if k][:5]))
    spd = speed()
    write(rows, examples, scan_rows, spd, fns)


def write(rows, examples, scan_rows, spd, fns) -> None:
    lines = ["# Person names and scan speed (`benchmarks/names.py`)", "",
             f"Machine: {platform.machine()}, {platform.python_version()}, pandas {pd.__version__}; seed {SEED}. "
             "Regenerate with `.venv/bin/python benchmarks/names.py`.", "",
             "## Name methods", "",
             "| method | measure | set | rate | hits / n | seconds |", "|---|---|---|---:|---:|---:|"]
    for m, what, name, r, hits, n, secs in rows:
        lines.append(f"| {m} | {what} | {name} | {r:.1%} | {hits} / {n} | {secs:.2f} |")
    if "deduce 3.0.6" not in fns:
        lines += ["", "deduce was not installed when this ran, so it is not in the table "
                      "(`pip install deduce==3.0.6` to include it)."]
    lines += ["", "**Chosen for `scan_values` / `scrub_text`: lijst-strikt.** A name is (title | initials | first "
              "name(s) from the list) + optional tussenvoegsel + capitalised surname from the list (after a title: "
              "any capitalised word); a lone surname ('Bakker', 'de Jong') or lone first name is not a name. It "
              "keeps false positives on area names, Signalen categories and report text near zero, which matters "
              "because every flagged value quarantines its row (a mostly flagged column refuses the file). "
              "lijst-ruim (lone surnames too) gains almost no "
              "recall but flags ~5-7 % of buurt/wijk names and free text. Deduce finds more names (also surnames "
              "outside its lists, by context) but flags 11 % of buurt names, 6 % of Signalen categories ('Boom', "
              "'Put', 'Klok') and 23 % of plain report sentences, and is ~40x slower; it is also heavier "
              "(docdeid, rapidfuzz, pins regex<2025). Known gap of lijst-strikt: surnames not in the lists "
              "('Bouzid', 'Kowalczyk') are missed unless a title precedes them; generated-name recall is measured "
              "on names drawn from the same lists, so it is an upper bound (the hand-written set is the fairer "
              "figure). Person names that are also place or shop names ('Anne Frank', 'Albert Heijn', 'Horst aan "
              "de Maas') are flagged; they are real person names, so the scanner errs on the safe side there.",
              "", "### Examples (first few)", ""]
    for (m, name), ex in examples.items():
        if ex:
            lines.append(f"- {m}, {name}: " + "; ".join(f"`{e[:70]}`" for e in ex))
    lines += ["", "## Whole scanner (`scan_values`, all detectors) on the non-personal sets", "",
              "| set | flagged | kinds | examples |", "|---|---:|---|---|"]
    for name, r, kinds, ex in scan_rows:
        lines.append(f"| {name} | {r:.2%} | {kinds or ''} | {'; '.join(f'`{e[:60]}`' for e in ex)} |")
    lines += ["", "## Scan speed (`scan_values`, best of 3, this machine)", "",
              "| column | seconds | flagged |", "|---|---:|---:|"]
    for name, secs, flagged in spd:
        lines.append(f"| {name} | {secs:.3f} | {flagged} |")
    out = ROOT / "benchmarks/results/names.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
