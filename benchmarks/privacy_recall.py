"""How much personal data, hidden the ways senders hide it, the scanner finds (pipelines/privacy.py).

406 personal items (valid BSNs, NL IBANs, phone numbers in ranges in use, e-mail addresses, addresses, birth dates,
names of Dutch, Turkish, Moroccan, Polish and Surinamese origin) in some 40 presentation styles: in a sentence,
after a label, in other notations and separators, in capitals, with spreadsheet, HTML or JSON artefacts, copied
from a web page, two in one cell. Plus 187 ordinary cells (texts, codes, dates, amounts, ids) that hold none.
Written by a helper that had not seen the scanner's tuning corpus (tests/pipelines/fixtures/privacy_evasions.jsonl),
so its first run was a held-out measure: 362 of 406 found (89.2 %), 2 false positives; the scanner was then
improved on what it missed, so later runs are not held-out any more.

An item is found when scan_values gives it a kind and scrub_text leaves no identifying part (no run of 6 of
its digits, nor its e-mail local part, surname, street and number or postcode, birth year).

Run: .venv/bin/python benchmarks/privacy_recall.py   (writes benchmarks/results/privacy_recall.md)
"""
from __future__ import annotations

import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import phonenumbers
from stdnum import iban as std_iban
from stdnum.nl import bsn as std_bsn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipelines.privacy import scan_values, scrub_text  # noqa: E402
from report import markdown_table, publish  # noqa: E402

R = random.Random(777)

# ------------------------------------------------------------------------------------------------ raw generators
DUTCH_FIRST = ["Jan", "Sanne", "Pieter", "Femke", "Bram", "Annelies", "Kees", "Marieke", "Daan", "Lotte", "Wim",
               "Ingrid", "Gerrit", "Hendrika", "Joost", "Anouk", "Roel", "Willemijn", "Harm", "Geesje"]
DUTCH_TV = ["de", "van", "van der", "van den", "van de", "ter", "te", "in 't", "van 't", "den"]
DUTCH_SUR = ["Vries", "Jong", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Dijk", "Berg",
             "Kamp", "Brink", "Wal", "Hoekstra", "Post", "Kuipers", "Schuurman", "Lubbers", "Nijhuis", "Hofman",
             "Veldhuis", "Timmerman", "Wolters", "Oosterhof", "Boerema", "Koster", "Brouwer"]
TV_SUR = {"de": ["Vries", "Jong", "Boer", "Wit", "Groot", "Graaf"], "van": ["Dijk", "Leeuwen", "Beek", "Dam"],
          "van der": ["Meer", "Linden", "Wal", "Veen", "Heijden"], "van den": ["Berg", "Broek", "Bosch"],
          "van de": ["Kamp", "Ven", "Pol"], "ter": ["Horst", "Haar", "Beek"], "te": ["Riele", "Velde"],
          "in 't": ["Veld", "Hout"], "van 't": ["Hof", "Zand"], "den": ["Hartog", "Ouden"]}
TURK_FIRST = ["Mehmet", "Ayşe", "Emre", "Elif", "Fatma", "Mustafa", "Hüseyin", "Zeynep", "Murat", "Gülşen"]
TURK_SUR = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç", "Koç"]
MAR_FIRST = ["Mohamed", "Fatima", "Youssef", "Khadija", "Said", "Nadia", "Rachid", "Samira", "Hamza", "Naima"]
MAR_SUR = ["El Amrani", "Bouzid", "Benali", "El Idrissi", "Ouali", "Azzouz", "Haddouchi", "Boukhari",
           "Ait Taleb", "El Khattabi", "Ziani", "Benhaddou"]
POL_FIRST = ["Piotr", "Agnieszka", "Krzysztof", "Katarzyna", "Tomasz", "Małgorzata", "Paweł", "Magdalena"]
POL_SUR = ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zieliński", "Szymańska",
           "Woźniak", "Dąbrowski"]
SUR_FIRST = ["Shanti", "Radjesh", "Sunita", "Ravi", "Glenn", "Rosita", "Anjali", "Romano", "Sharda", "Orlando"]
SUR_SUR = ["Sewnarain", "Ramdin", "Jhagroe", "Kanhai", "Pinas", "Doelwijt", "Biharie", "Ramsaran",
           "Soekhoe", "Bhoendie", "Nankoe", "Misiekaba"]


def person():
    """(first, tussenvoegsel, surname, core_surname_word)"""
    g = R.random()
    if g < 0.40:
        tv = R.choice(DUTCH_TV + ["", "", "", ""])
        sur = R.choice(TV_SUR[tv]) if tv else R.choice(DUTCH_SUR)
        return R.choice(DUTCH_FIRST), tv, sur
    if g < 0.55:
        return R.choice(TURK_FIRST), "", R.choice(TURK_SUR)
    if g < 0.72:
        return R.choice(MAR_FIRST), "", R.choice(MAR_SUR)
    if g < 0.86:
        return R.choice(POL_FIRST), "", R.choice(POL_SUR)
    return R.choice(SUR_FIRST), "", R.choice(SUR_SUR)


def full_name(p):
    f, tv, s = p
    return " ".join(x for x in (f, tv, s) if x)


def bsn_digits(leading_zero=False):
    while True:
        d = ("0" if leading_zero else str(R.randint(1, 6))) + "".join(str(R.randint(0, 9)) for _ in range(8))
        if std_bsn.is_valid(d):
            return d


BANKS = ["ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB"]


def iban_compact():
    while True:
        acc = "".join(str(R.randint(0, 9)) for _ in range(10))
        if acc[0] == "0" and R.random() < 0.5:
            acc = "0" + acc[1:]
        bank = R.choice(BANKS)
        check = std_iban.calc_check_digits("NL00" + bank + acc)
        num = "NL" + check + bank + acc
        if std_iban.is_valid(num):
            return num


AREAS = ["0528", "0523", "0546", "0591", "0161", "0115", "0548", "020", "010", "030", "070", "050", "053", "040"]


def phone_national(mobile=None):
    """National digits with leading 0, valid per phonenumbers."""
    mobile = R.random() < 0.55 if mobile is None else mobile
    while True:
        if mobile:
            n = "06" + str(R.randint(1, 5)) + "".join(str(R.randint(0, 9)) for _ in range(7))
        else:
            a = R.choice(AREAS)
            n = a + str(R.randint(2, 9)) + "".join(str(R.randint(0, 9)) for _ in range(10 - len(a) - 1))
        if phonenumbers.is_valid_number(phonenumbers.parse(n, "NL")):
            return n


def phone_default(n):
    if n.startswith("06"):
        return R.choice([n, n[:2] + "-" + n[2:], n[:2] + " " + n[2:]])
    a = len(n) - 7 if len(n) - 7 in (3, 4) else 4
    a = 3 if n[:3] in ("020", "010", "030", "070", "050", "053", "040") else 4
    return R.choice([n[:a] + "-" + n[a:], n[:a] + " " + n[a:], n])


PROVIDERS = ["gmail.com", "hotmail.com", "outlook.com", "live.nl", "ziggo.nl", "kpnmail.nl", "planet.nl",
             "home.nl", "hetnet.nl", "xs4all.nl", "icloud.com", "yahoo.com", "hotmail.nl", "upcmail.nl"]


def fold(s):
    s = s.replace("ı", "i").replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def email():
    f, tv, s = person()
    f_, s_ = fold(f).lower(), fold((tv + s).replace(" ", "").replace("'", "")).lower()
    local = R.choice([f"{f_}.{s_}", f"{f_[0]}.{s_}", f"{f_}{s_}", f"{s_}{R.randint(60, 99)}",
                      f"{f_}_{s_}", f"{f_}.{s_}{R.randint(1, 99)}", f"{f_[0]}{s_}", f"{f_}-{s_}"])
    return local, R.choice(PROVIDERS), (f, tv, s)


STREET_PRE = ["Kerk", "Molen", "School", "Dorps", "Eiken", "Berken", "Linden", "Meidoorn", "Zonnebloem", "Lijster",
              "Merel", "Spoor", "Haven", "Wilhelmina", "Oranje", "Nassau", "Beatrix", "Juliana", "Esdoorn", "Vlier",
              "Heide", "Vecht", "Regge", "Dinkel", "Korenbloem", "Tulp", "Rozen", "Klaver", "Boterbloem", "Kievit",
              "Zwaluw", "Populieren", "Kastanje", "Hazelaar", "Brink", "Stations", "Markt", "Koestraat"]
STREET_SUF = ["straat", "laan", "weg", "plein", "dreef", "singel", "kade", "hof", "gracht", "pad", "steeg", "dijk",
              "erf", "veld", "park", "wal", "akker", "es", "kamp", "hoek"]
STREET_MULTI = ["Burgemeester Schuitemakerlaan", "Prinses Irenestraat", "Prins Hendrikkade", "Van Heemskerckstraat",
                "Jan van Galenstraat", "Graaf Ottoweg", "Koning Willem-Alexanderplein", "Oude Rijksweg",
                "Dokter Van der Hoevenstraat", "Generaal Foulkesweg", "Pastoor Van Dijkstraat", "Hoge Larenseweg",
                "Nieuwe Binnenweg", "Eerste Atjehstraat", "Sint Jorisplein", "Van Riebeeckhof"]


def street():
    if R.random() < 0.3:
        return R.choice(STREET_MULTI)
    p = R.choice(STREET_PRE)
    if p.endswith("straat"):
        return p
    return p + R.choice(STREET_SUF)


def housenr(kind=None):
    n = str(R.choice([R.randint(1, 40), R.randint(1, 250), R.randint(1, 12)]))
    kind = kind or R.choice(["plain", "plain", "letter", "letter_dash", "roman", "hs", "bis", "floor", "letter_sp"])
    add = {"plain": "", "letter": R.choice("abcdABC"), "letter_dash": "-" + R.choice("ABCD"),
           "letter_sp": " " + R.choice("ABCD"), "roman": "-" + R.choice(["I", "II", "III"]),
           "hs": " " + R.choice(["hs", "huis", "zw", "rd"]), "bis": " bis", "floor": "-" + str(R.randint(1, 4))}[kind]
    return n, n + add


def postcode():
    while True:
        d = str(R.randint(1000, 9999))
        letters = R.choice("ABCDEGHJKLMNPRSTVWXZ") + R.choice("ABCDEGHJKLMNPRSTVWXZ")
        if letters not in ("SA", "SD", "SS"):
            return d, letters


PLACES = ["Hardenberg", "Ommen", "Dedemsvaart", "Gramsbergen", "Coevorden", "Zwolle", "Emmen", "Almelo",
          "Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Groningen", "Enschede", "Eindhoven", "Middelburg"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def bdate():
    return R.randint(1932, 2006), R.randint(1, 12), R.randint(1, 28)


# ------------------------------------------------------------------------------------------------ rendering
PRE = ["Bewoner", "Melder", "Mevrouw belde,", "Signaal van buurtbewoner", "Contact via", "Volgens de wijkagent",
       "Terugkoppeling aan"]
POST = ["meldt zwerfafval bij de speeltuin", "over de kapotte lantaarnpaal", "i.v.m. geluidsoverlast na 23 uur",
        "wil graag teruggebeld worden", "heeft de melding aangevuld met foto's", "vraagt om een extra container"]
CTX_START = ["Overlast hangjongeren bij het winkelcentrum", "Melding over kapotte lantaarnpaal",
             "Zwerfafval rond de glasbak", "Boomwortels drukken de stoep omhoog", "Huurachterstand gemeld door corporatie"]


def sentence(s):
    return f"{R.choice(PRE)} {s} {R.choice(POST)}"


LABELS = {
    "telefoonnummer": ["tel:", "Tel.", "tel.nr.", "mob.", "Mobiel:", "telefoon", "Tel nr melder:", "GSM", "bellen op",
                       "telnr", "T:", "Tel. (na 17u):"],
    "bsn": ["BSN", "BSN nr", "bsn:", "Burgerservicenummer:", "BSN-nummer", "sofinr", "BSN nr.:", "bsn nummer"],
    "iban": ["rek.nr", "IBAN:", "Rekeningnummer:", "rek nr.", "bankrekening", "IBAN", "rekening nr:", "t.n.v. melder"],
    "e-mail": ["e-mail:", "Email", "mail:", "E-mailadres:", "emailadres melder", "@:", "Mail naar", "contact:"],
    "adres": ["adres:", "Adres melder:", "woonachtig aan de", "locatie:", "woont op", "Huisadres", "wonende",
              "Adres"],
    "geboortedatum": [],   # the keyword is part of the item
    "naam": ["Naam:", "Naam melder:", "Melder:", "Ingediend door", "Contactpersoon:", "Gesproken met", "Namens",
             "Client:"],
}
JSONKEY = {"telefoonnummer": "telefoon", "bsn": "bsn", "iban": "iban", "e-mail": "email", "adres": "adres",
           "geboortedatum": "geboortedatum", "naam": "naam"}


def soft(s):                      # soft hyphen in the middle of the item
    i = max(1, len(s) // 2)
    return s[:i] + "\xad" + s[i:]


def zw(s):
    i = max(1, len(s) // 2)
    return s[:i] + "\u200b" + s[i:]


def nbsp(s):
    return s.replace(" ", "\xa0") if " " in s else s[: len(s) // 2] + "\xa0" + s[len(s) // 2:]


def split_break(s):               # line break inside the item, at a space or the middle
    if " " in s:
        i = [m.start() for m in re.finditer(" ", s)]
        j = i[len(i) // 2]
        return s[:j] + "\n" + s[j + 1:]
    return s[: len(s) // 2] + "\n" + s[len(s) // 2:]


GENERIC = ["bare", "sentence", "label", "label_nospace", "cell_start", "cell_end", "upper_case", "lower_case",
           "html_markup", "html_entities", "linebreak_before", "excel_x000D", "linebreak_inside", "nbsp_inside",
           "soft_hyphen", "zero_width", "quotes", "typographic_quotes", "brackets", "square_brackets", "two_items",
           "semicolon_list", "trailing_punct", "json", "excel_formula", "excel_apostrophe", "padding_tabs"]


def apply_generic(style, kind, s, other):
    lab = R.choice(LABELS[kind]) if LABELS[kind] else ""
    lab_ = (lab + " ") if lab else ""
    if style == "bare":
        return s
    if style == "sentence":
        return sentence(s)
    if style == "label":
        return f"{lab} {s}".strip()
    if style == "label_nospace":
        return (lab.rstrip(":. ") + ":" + s) if lab else s
    if style == "cell_start":
        return f"{s} - graag contact opnemen over de melding"
    if style == "cell_end":
        return f"{R.choice(CTX_START)}, {lab_}{s}"
    if style == "upper_case":
        return f"{lab_}{s}".upper()
    if style == "lower_case":
        return f"{lab_}{s}".lower()
    if style == "html_markup":
        return f'<td><span class="melder">{lab_}<b>{s}</b></span></td>'
    if style == "html_entities":
        return f"<p>{lab}&nbsp;{s.replace(' ', '&nbsp;')}</p>" if lab else f"<p>{s.replace(' ', '&nbsp;')}&nbsp;</p>"
    if style == "linebreak_before":
        return f"{R.choice(CTX_START)}\n{lab_}{s}"
    if style == "excel_x000D":
        return f"{R.choice(CTX_START)}_x000D_\n{lab_}{s}"
    if style == "linebreak_inside":
        return f"{lab_}{split_break(s)}"
    if style == "nbsp_inside":
        return f"{lab}\xa0{nbsp(s)}" if lab else nbsp(s)
    if style == "soft_hyphen":
        return f"{lab_}{soft(s)}"
    if style == "zero_width":
        return f"{lab_}{zw(s)}"
    if style == "quotes":
        return f'{lab_}"{s}"'
    if style == "typographic_quotes":
        return f"{lab_}“{s}”"
    if style == "brackets":
        return f"Terugbellen of mailen ({s})" if kind != "naam" else f"Melder ({s}) belde opnieuw"
    if style == "square_brackets":
        return f"[{s}]"
    if style == "two_items":
        return f"{s} / {other}"
    if style == "semicolon_list":
        return f"Zwerfafval;{s};BU01600101"
    if style == "trailing_punct":
        return f"{lab_}{s}!!"
    if style == "json":
        return json.dumps({JSONKEY[kind]: s}, ensure_ascii=False)
    if style == "excel_formula":
        return f'="{s}"'
    if style == "excel_apostrophe":
        return f"'{s}"
    if style == "padding_tabs":
        return f"  {lab}\t{s} \t"
    raise KeyError(style)


# ------------------------------------------------------------------------------------------------ per-kind items
# Each maker returns (default_rendering, cores, notation_variants: dict style -> rendered cell)
# cores: list of ("digits", digits, minrun) | ("word", text) | ("regex", pattern)

def mk_phone():
    n = phone_national()
    mob = n.startswith("06")
    core = [("digits", n[1:], 6)]
    a = 2 if mob else (3 if n[:3] in ("020", "010", "030", "070", "050", "053", "040") else 4)
    sub = n[a:]
    v = {
        "nb_intl_plus": "+31" + n[1:],
        "nb_intl_spaced": f"+31 {n[1:a]} {sub[:4]} {sub[4:]}" if mob else f"+31 {n[1:a]} {sub}",
        "nb_intl_0paren": f"+31 (0){n[1:a]} {sub}",
        "nb_0031": f"0031-{n[1:a]}-{sub}",
        "nb_pairs": f"{n[:a]} {' '.join(sub[i:i + 2] for i in range(0, len(sub), 2))}",
        "nb_dots": ".".join([n[:a]] + [sub[i:i + 2] for i in range(0, len(sub), 2)]),
        "nb_area_paren": f"({n[:a]}) {sub}",
        "nb_dash_spaced": f"{n[:a]} - {sub[:4]} {sub[4:]}",
        "nb_slash": f"{n[:a]}/{sub}",
        "nb_excel_zero_lost": f"Tel: {n[1:]}",
        "nb_excel_float": f"{n[1:]}.0",
        "nb_every_digit_spaced": " ".join(n),
        "nb_letter_O_for_zero": "tel " + n.replace("0", "O", 1),
    }
    v["_canon"] = f"tel: {n}"
    return phone_default(n), core, v


def mk_bsn():
    d = bsn_digits()
    core = [("digits", d, 6)]
    d0 = bsn_digits(leading_zero=True)
    v = {
        "nb_dots_3": f"{d[:3]}.{d[3:6]}.{d[6:]}",
        "nb_dots_4": f"{d[:4]}.{d[4:6]}.{d[6:]}",
        "nb_spaces_3": f"{d[:3]} {d[3:6]} {d[6:]}",
        "nb_spaces_4": f"{d[:4]} {d[4:6]} {d[6:]}",
        "nb_dashes": f"{d[:3]}-{d[3:6]}-{d[6:]}",
        "nb_excel_float": f"{d}.0",
        "nb_excel_zero_lost": ("BSN " + d0[1:], [("digits", d0[1:], 6)]),
        "nb_in_id_sentence": f"Cliënt met burgerservicenummer {d} is bekend bij het wijkteam",
        "nb_every_digit_spaced": " ".join(d),
        "nb_colon_equals": f"bsn={d}",
    }
    v["_canon"] = f"BSN {d}"
    return d, core, v


def mk_iban():
    c = iban_compact()
    g = " ".join(c[i:i + 4] for i in range(0, len(c), 4))
    core = [("digits", c[8:], 6)]
    v = {
        "nb_compact": c,
        "nb_groups4": g,
        "nb_lowercase": c.lower(),
        "nb_dashes": g.replace(" ", "-"),
        "nb_dots": g.replace(" ", "."),
        "nb_bank_split": f"{c[:4]} {c[4:8]} {c[8:]}",
        "nb_tnv": f"{c} t.n.v. de heer {R.choice(DUTCH_SUR)}",
        "nb_space_after_NL": f"NL {c[2:4]} {c[4:8]} {c[8:]}",
        "nb_every_char_spaced": " ".join(c),
        "nb_in_debt_sentence": f"Automatische incasso van {c} is gestorneerd (3x)",
    }
    v["_canon"] = f"IBAN {c}"
    return R.choice([c, g]), core, v


def mk_email():
    local, dom, p = email()
    e = f"{local}@{dom}"
    core = [("word", local)]
    name = full_name(p)
    v = {
        "nb_capitals_mixed": local.title() + "@" + dom.upper(),
        "nb_at_bracket": f"{local} [at] {dom}",
        "nb_at_paren_dot": f"{local}(at){dom.replace('.', '(dot)')}",
        "nb_mailto": f"mailto:{e}",
        "nb_html_anchor": f'<a href="mailto:{e}">{e}</a>',
        "nb_display_name": f"{name} <{e}>",
        "nb_spaces_around_at": f"{local} @ {dom}",
        "nb_plus_tag": (f"{local}+gemeente@{dom}", [("word", local)]),
        "nb_url_encoded": f"{local}%40{dom}",
        "nb_fullwidth_at": f"{local}＠{dom}",
        "nb_trailing_dot": f"Stuur reactie naar {e}.",
    }
    v["_canon"] = f"e-mail: {e}"
    return e, core, v


def addr_core(st, n):
    main = fold(max(st.split(), key=len)).lower()
    return [("regex", re.escape(main) + r"\W{0,4}(?:nr\.?\s*)?" + n + r"(?!\d)")]


def mk_address():
    st = street()
    n, hn = housenr()
    while len(n) < 2:
        n, hn = housenr()
    pc, pl = postcode()
    place = R.choice(PLACES)
    core = addr_core(st, n)
    pcore = [("regex", pc + r"\s*" + pl.lower())]
    st_ab = st
    while not st_ab.endswith(("straat", "laan")):
        st_ab = street()
    abbrev = st_ab[:-6] + "str." if st_ab.endswith("straat") else st_ab[:-4] + "ln."
    ab_word = fold(abbrev.split()[-1].rsplit("str.", 1)[0].rsplit("ln.", 1)[0]).lower()
    v = {
        "nb_letter_suffix": f"{st} {n}{R.choice('abc')}",
        "nb_roman_floor": f"{st} {n}-II",
        "nb_hs": f"{st} {n} hs",
        "nb_bis": f"{st} {n} bis",
        "nb_abbrev_str": (f"{abbrev} {n}", [("regex", re.escape(ab_word) + r"\w*\.?\W{0,4}" + n + r"(?!\d)")]),
        "nb_nr_word": f"{st} nr. {n}",
        "nb_full_postal": (f"{st} {hn}, {pc} {pl} {place}", core + pcore),
        "nb_postcode_nr": (f"{pc} {pl} {n}", pcore),
        "nb_postcode_compact_nr": (f"{pc}{pl} {n}", pcore),
        "nb_postcode_lower_comma_nr": (f"{pc} {pl.lower()}, nr {n}", pcore),
        "nb_postcode_labelled": (f"Postcode {pc}{pl} huisnummer {n}", pcore),
        "nb_two_line_postal": (f"{st} {hn}\n{pc} {pl}  {place.upper()}", core + pcore),
        "nb_hostile_spaced_nr": f"{st} {' '.join(n)}{' ' if len(n) > 1 else ''}",
    }
    if v["nb_hostile_spaced_nr"].endswith(" "):
        v["nb_hostile_spaced_nr"] = (v["nb_hostile_spaced_nr"].strip(),
                                     [("regex", re.escape(fold(max(st.split(), key=len)).lower()) + r"\W{0,4}" + r"\s?".join(n))])
    v["_canon"] = f"Adres: {st} {hn}"
    return f"{st} {hn}", core, v


def date_core(y, m, d, two=False):
    ys = f"{y % 100:02d}" if two else str(y)
    if two:
        return [("digits", f"{d:02d}{m:02d}{ys}", 6)]
    return [("regex", r"(?<!\d)" + ys + r"(?!\d)")]


def mk_bdate():
    y, m, d = bdate()
    kw = R.choice(["geboren", "geb.", "Geboortedatum:", "geb.datum", "Geboren op", "geboortedatum", "Geb. dat.",
                   "DOB"])
    dm = f"{d:02d}-{m:02d}-{y}"
    core = date_core(y, m, d)
    v = {
        "nb_slash": f"geb. {d:02d}/{m:02d}/{y}",
        "nb_iso": f"geboortedatum {y}-{m:02d}-{d:02d}",
        "nb_month_name": f"Geboren op {d} {MONTHS[m - 1]} {y}",
        "nb_month_abbrev": f"geb. {d} {MONTHS[m - 1][:3]}. {y}",
        "nb_dots": f"geb.datum {d:02d}.{m:02d}.{y}",
        "nb_unpadded": f"geboren {d}-{m}-{y}",
        "nb_two_digit_year": (f"geb. {d:02d}-{m:02d}-{y % 100:02d}", date_core(y, m, d, True)),
        "nb_excel_datetime": f"Geboortedatum: {y}-{m:02d}-{d:02d} 00:00:00",
        "nb_compact_digits": (f"geb {d:02d}{m:02d}{y}", [("digits", f"{d:02d}{m:02d}{y}", 6)]),
        "nb_english_dob": f"DOB: {d:02d}/{m:02d}/{y}",
        "nb_keyword_after": f"{d:02d}-{m:02d}-{y} (geboortedatum)",
        "nb_age_context": f"Cliënt (geb. {y}-{m:02d}-{d:02d}, {2024 - y} jaar) woont alleen",
    }
    v["_canon"] = f"geboortedatum {dm}"
    return f"{kw} {dm}", core, v


def nodia(name, s):
    if fold(name) == name:
        s = R.choice([x for x in TURK_SUR + POL_SUR if fold(x) != x])
        name = R.choice(TURK_FIRST + POL_FIRST) + " " + s
    return fold(name), [("word", fold(s.split()[-1]).lower())]


def mk_name():
    p = person()
    f, tv, s = p
    name = full_name(p)
    core = [("word", fold(s.split()[-1]).lower())]
    init = f[0] + "."
    v = {
        "nb_heer_initial": f"de heer {init} {tv + ' ' if tv else ''}{s}",
        "nb_mevrouw": f"mevrouw {tv.capitalize() + ' ' if tv else ''}{s}",
        "nb_mw_abbrev": f"Gesproken met mw. {init} {tv + ' ' if tv else ''}{s}",
        "nb_surname_first": f"{s}, {f}{' ' + tv if tv else ''}",
        "nb_surname_first_initial": f"{s}, {init}{' ' + tv if tv else ''}",
        "nb_fam": f"fam. {tv.capitalize() + ' ' if tv else ''}{s}",
        "nb_all_caps": name.upper(),
        "nb_lowercase": name.lower(),
        "nb_signature": f"Met vriendelijke groet,\n{name}",
        "nb_no_diacritics": nodia(name, s),
        "nb_first_name_only_with_surname_initial": (f"{f} {s[0]}.", [("word", f.lower())]),
        "nb_initials_only": f"{init}{R.choice('ABCDEGHJKMPRSW')}. {tv + ' ' if tv else ''}{s}",
    }
    v["_canon"] = f"Naam melder: {name}"
    return name, core, v


MAKERS = {"telefoonnummer": mk_phone, "bsn": mk_bsn, "iban": mk_iban, "e-mail": mk_email, "adres": mk_address,
          "geboortedatum": mk_bdate, "naam": mk_name}
PER_KIND = 58


def build_items():
    items = []
    for kind, mk in MAKERS.items():
        _, _, v0 = mk()
        styles = GENERIC + sorted(x for x in v0 if not x.startswith("_"))
        order = styles + [R.choice(styles) for _ in range(PER_KIND - len(styles))]
        for style in order:
            base, core, v = mk()
            if style in v:
                val = v[style]
                if isinstance(val, tuple):
                    val, core = val
                cell = val
                if R.random() < 0.35 and style not in ("nb_in_id_sentence", "nb_in_debt_sentence", "nb_trailing_dot",
                                                       "nb_age_context", "nb_signature", "nb_tnv"):
                    cell = sentence(cell)          # some notation variants inside a sentence
            else:
                other_kind = R.choice([k for k in MAKERS if k != kind])
                obase, ocore, _ = MAKERS[other_kind]()
                cell = apply_generic(style, kind, base, obase)
                if style == "two_items":
                    core = core + ocore
            items.append({"kind": kind, "style": style, "cell": cell, "cores": core, "canon": v["_canon"]})
    return items


# ------------------------------------------------------------------------------------------------ round-9 forms
# The forms a red team found the scanner passing by in round 9, fixed (no draws from R, so the generated items and
# the timing column above stay as they were): (kind, style, cell, cores). Scored as the items are, reported apart.
ROUND9 = [
    ("e-mail", "formula_amp", '="jan"&"@"&"ziggo.nl"', [("regex", r"jan\W{0,3}@\W{0,3}ziggo")]),
    ("telefoonnummer", "formula_amp", '="06"&"-"&"12345678"', [("digits", "612345678", 6)]),
    ("telefoonnummer", "formula_textjoin", '=TEXTJOIN("";1;"06";"1234";"5678")', [("digits", "612345678", 6)]),
    ("iban", "formula_amp", '="NL91"&"ABNA0417164300"', [("digits", "0417164300", 6)]),
    ("naam", "formula_proper", '=PROPER("jan de vries")', [("word", "vries")]),
    ("adres", "formula_amp", '="Kerkstraat"&" "&"14"', [("regex", r"kerkstraat\W{0,6}14")]),
    ("e-mail", "formula_char", '="jan"&CHAR(64)&"ziggo.nl"', [("regex", r"jan\W{0,3}(?:char|@)")]),
    ("naam", "surname_first_linebreak", "de Vries\nJan", [("word", "vries")]),
    ("naam", "surname_first_linebreak", "Bakker\nJan", [("word", "bakker")]),
    ("e-mail", "user_name_dots", "jan.de.vries", [("word", "vries")]),
    ("e-mail", "user_name_dots", "j.de.vries", [("word", "vries")]),
    ("adres", "postcode_dot_nr", "7901AB.12", [("regex", r"7901\s?ab\W{0,3}12")]),
    ("adres", "postcode_hash_nr", "7901AB#12", [("regex", r"7901\s?ab\W{0,3}12")]),
    ("kenteken", "plate_lower_dashes", "kx-381-p", [("regex", r"kx-?381")]),
    ("telefoonnummer", "rtl_override", "\u202e87654321-60", [("digits", "87654321", 6)]),
    ("naam", "rtl_override", "\u202eseirV ed naJ", [("word", "seirv")]),
    ("adres", "rtl_override", "\u202e21 taartskreK", [("regex", r"21 taartskrek")]),
    ("telefoonnummer", "rtl_isolate", "\u206787654321-60\u2069", [("digits", "87654321", 6)]),
    ("naam", "mojibake_utf8", "RenÃ© Jansen", [("word", "jansen")]),
    ("naam", "mojibake_utf8", "ZoÃ« Bakker", [("word", "bakker")]),
    ("naam", "mojibake_utf8", "Jan MÃ¼ller", [("regex", r"m\w*ller")]),
    ("naam", "mojibake_utf8", "FranÃ§ois Smit", [("word", "smit")]),
    ("naam", "mojibake_cp850", "Ren\u201a Jansen", [("word", "jansen")]),
    ("e-mail", "ooxml_escape", "jan_x0040_ziggo.nl", [("regex", r"jan\W{0,3}(?:_x0040_|@)\W{0,3}ziggo")]),
    ("bsn", "ooxml_escape", "111_x0020_222_x0020_333", [("regex", r"111\W{0,7}(?:x0020\W{0,3})?222")]),
    ("telefoonnummer", "ooxml_escape", "06_x002D_12345678", [("digits", "12345678", 6)]),
]
#: ordinary cells in the same forms: a formula of words, a right-to-left mark before a word, mojibake of a word
CLEAN_ROUND9 = ['="Afval"&" "&"Zwerfafval"', "=SUM(A1:A3)", '=TEXTJOIN(", ";1;"Afval";"Groen")', "=PROPER(B2)",
                "CafÃ© De Schakel", "\u202eAfval", "\u202eEUR 95,00", "Noord–Zuid", "Jan’s fietsenwinkel",
                "www.hoogeveen.nl", "o.a. zwerfafval", "zie www.plan.nl", "2026-11_x000D_\nAfval", "vr-12-05 ophalen",
                "Afval\nZwerfafval", "Groen\nBomen"]


def score(items):
    """Scan the items' cells and mark each found (a kind, and scrub_text leaves no identifying part of it)."""
    kinds = scan_values(pd.Series([it["cell"] for it in items], dtype=object))
    for it, k in zip(items, kinds):
        it["got"] = k
        it["scrubbed"] = scrub_text(it["cell"])
        it["left"] = leaks(it["scrubbed"], it["cores"])
        it["found"] = k is not None and not it["left"]
        it["kind_ok"] = k == it["kind"]
    return items


# ------------------------------------------------------------------------------------------------ clean set
def build_clean():
    out = []
    sts = [street() for _ in range(40)]
    tmpl = ["Lantaarnpaal kapot {st}", "Zwerfafval bij de speeltuin aan de {st}", "Gat in het wegdek op de {st}",
            "Boom omgewaaid {st}, ter hoogte van de bushalte", "Container vol op de hoek {st} / {st2}",
            "Losliggende stoeptegels {st}", "Hondenpoep op het grasveld langs de {st}", "Fietswrak {st} bij het station",
            "Rioolputje verstopt {st}", "Wateroverlast kruising {st} en {st2}", "{st}", "Verkeersbord scheef {st}",
            "Onkruid tussen de tegels {st} ({place})", "Parkeeroverlast {st} tijdens de markt"]
    for i in range(40):
        out.append(R.choice(tmpl).format(st=sts[i], st2=R.choice(sts), place=R.choice(PLACES)))
    cats = ["Openbare verlichting", "Afval > Zwerfafval", "Groen > Bomen", "Wegen, straten en pleinen",
            "Overlast > Jongeren", "Schuldsignaal - huurachterstand", "Schuldsignaal - energie", "Wijkteam: zorgmelding",
            "Riolering", "Speelvoorzieningen", "Verkeer en parkeren", "Dierenoverlast", "Ongedierte (ratten)",
            "Water en oevers", "Graffiti / vandalisme"]
    out += cats
    for _ in range(12):
        out.append(f"BU{R.randint(1, 1990):04d}{R.randint(0, 99):02d}{R.randint(0, 99):02d}")
    for _ in range(5):
        out.append(f"WK{R.randint(1, 1990):04d}{R.randint(0, 99):02d}")
    for _ in range(14):
        y, m, d = R.randint(2019, 2025), R.randint(1, 12), R.randint(1, 28)
        hh, mm = R.randint(0, 23), R.randint(0, 59)
        out.append(R.choice([f"{y}-{m:02d}-{d:02d}", f"{d:02d}-{m:02d}-{y}", f"{d} {MONTHS[m - 1]} {y}",
                             f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}", f"{hh:02d}:{mm:02d}", f"{d:02d}/{m:02d}/{y}",
                             f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{R.randint(0, 59):02d}",
                             f"{d:02d}-{m:02d}-{y} om {hh}.{mm:02d} uur"]))
    for _ in range(12):
        out.append(R.choice([f"SIG-{R.randint(2019, 2025)}-{R.randint(1, 999999):06d}",
                             f"MOR-{R.randint(10000, 999999)}", f"Meldingnummer {R.randint(100000000, 999999999)}",
                             f"Zaaknummer Z/{R.randint(21, 25)}/{R.randint(100000, 999999)}",
                             f"{R.randint(100000000, 999999999)}", f"Dossier {R.randint(2019, 2025)}.{R.randint(1000, 99999)}"]))
    for _ in range(12):
        a = R.randint(1, 99999) + R.randint(0, 99) / 100
        out.append(R.choice([f"€ {a:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."), f"EUR {a:.2f}",
                             f"{a:.2f}", f"Huurachterstand € {int(a)},-", f"bedrag: {a:.2f} euro",
                             f"Openstaand saldo €{a:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")]))
    for _ in range(12):
        out.append(R.choice([f"{R.randint(2, 40)} meldingen", f"week {R.randint(1, 52)}", f"Aantal: {R.randint(1, 500)}",
                             f"{R.randint(2, 30)} containers geleegd", f"{R.randint(1, 12)} maanden achterstand",
                             f"Q{R.randint(1, 4)} {R.randint(2020, 2025)}", f"{R.randint(1, 99)}%",
                             f"lat {R.uniform(51, 53):.5f} lon {R.uniform(4, 7):.5f}",
                             f"{R.uniform(51, 53):.6f}, {R.uniform(4, 7):.6f}", f"prio {R.randint(1, 3)}",
                             f"{R.randint(100000, 280000)}, {R.randint(300000, 620000)}"]))
    out += [
        "Gemeente Hardenberg", "Stadsbeheer - team Noord", "Politie Oost-Nederland", "Woningcorporatie De Veste",
        "Buurtcentrum De Schakel", "Rijkswaterstaat", "Vitens storingsdienst", "Enexis heeft de kabel vervangen",
        "Koningsdag: extra afvalbakken op de Markt", "Sinterklaasintocht zaterdag 16 november", "Kermis op het Kerkplein",
        "Jaarmarkt in Dedemsvaart, verkeer omgeleid", "Voedselbank Ommen vraagt om ophaalmoment",
        "Schuldhulpverlening Zwolle neemt contact op", "Wijkteam Noord pakt dit op", "Doorgezet naar Saxion",
        "Afgehandeld door buitendienst", "In behandeling", "Afgesloten - dubbele melding", "Geen actie nodig",
        "Melder wil anoniem blijven", "Zie foto in bijlage", "Herhaalmelding, 3e keer deze maand",
        "Buurtbewoners klagen over geluid van de Efteling-bus", "Vuurwerkoverlast rond oud en nieuw",
        "Bladeren in de goot na de storm van 2 november", "Scooter rijdt over het fietspad bij het Vechtdal College",
        "Afvalinzameling verschoven naar dinsdag", "Rattenoverlast achter de Jumbo", "Lekkage bij het zwembad De Slag",
        "Eikenprocessierupsen bij basisschool De Regenboog", "Gladheid: strooiroute 4 niet gereden",
        "Verzoek tot plaatsen bankje in het Prinses Julianapark", "Overhangend groen, Van Heemskerckstraat",
        "Graffiti op het viaduct A28", "Bushalte Station Zuid beschadigd", "Stremming N34 tussen 06:00 en 09:00",
        "Speeltoestel stuk in het Wilhelminapark", "Kapotte bank bij de Sint Stephanuskerk",
        "Fietsenrek vol weesfietsen, NS-station", "Signaal via 14 0523", "Zorgmijder, wijkverpleging ingeschakeld",
        "Huurachterstand 2 maanden, corporatie Vechthorst", "Energieleverancier meldt betalingsachterstand",
        "Zorgverzekeraar: premieachterstand 6 maanden", "Drinkwaterbedrijf: afsluiting aangekondigd per 1 april",
        "Jan Pieterszoon Coenstraat afgesloten wegens werkzaamheden", "Burgemeester Schuitemakerlaan: lantaarn knippert",
        "Kruising Willem de Zwijgerlaan / Johan de Wittlaan onoverzichtelijk", "Anne Frankplein: glasbak vol",
        "Vergadering wijkraad om 19:30 in De Schakel", "Raadsvergadering 12 maart verplaatst",
        "Ophaaldag GFT: maandag", "Snoeiwerk gepland in week 12 en 13", "Max. 30 km/u geldt niet meer",
        "Aanvraag vergunning nr. 2024-0417", "Uitvoering door Heijmans", "Boete € 95,00 voor afval naast container",
        "Storing in sector 7, tel. centrale doorverbonden", "Geluidsmeting 68 dB(A) om 23:15",
        "Prinses Amaliastraat", "Beatrixlaan", "Molenweg", "Stationsplein", "Hofstede Marsdijk",
    ]
    return out


# ------------------------------------------------------------------------------------------------ scoring
INVIS = dict.fromkeys(map(ord, "\xad\u200b\u200c\u200d\u2060\ufeff"), None)


def norm(t):
    t = unicodedata.normalize("NFKC", t).translate(INVIS).replace("&nbsp;", " ")
    return fold(t).lower()


def digit_stream(t):
    t = norm(t)
    t = re.sub(r"[\s.\-/()+'\"=]", "", t)      # separators between digits dropped
    return re.findall(r"\d+", t)


def lcs_run(a, runs):
    best = 0
    for r in runs:
        for i in range(len(a)):
            for j in range(i + best + 1, len(a) + 1):
                if a[i:j] in r:
                    best = j - i
                else:
                    break
    return best


def leaks(scrubbed, cores):
    left = []
    t = norm(scrubbed)
    t_letters_o = t.replace("o", "0")
    runs = digit_stream(scrubbed) + digit_stream(t_letters_o)
    for c in cores:
        if c[0] == "digits":
            if lcs_run(c[1], runs) >= c[2]:
                left.append(c[1])
        elif c[0] == "word":
            w = norm(c[1])
            if re.search(r"(?<![a-z0-9])" + re.escape(w) + r"(?![a-z0-9])", t) or \
               re.search(r"\s?".join(map(re.escape, w)), t) and len(w) >= 4 and w.replace(" ", "") in t.replace(" ", ""):
                left.append(c[1])
        elif c[0] == "regex":
            if re.search(c[1], t) or re.search(c[1], re.sub(r"\s+", " ", t)):
                left.append(c[1])
    return left


def main():
    items = build_items()
    clean = build_clean()
    cells = pd.Series([it["cell"] for it in items], dtype=object)
    t0 = time.perf_counter()
    kinds = scan_values(cells)
    t_items = time.perf_counter() - t0
    t0 = time.perf_counter()
    scrubbed = [scrub_text(c) for c in cells]
    t_scrub = time.perf_counter() - t0
    cs = pd.Series(clean, dtype=object)
    ckinds = scan_values(cs)
    cscrub = [scrub_text(c) for c in clean]
    for it, k, s in zip(items, kinds, scrubbed):
        it["got"] = k
        it["scrubbed"] = s
        it["left"] = leaks(s, it["cores"])
        it["found"] = k is not None and not it["left"]
        it["kind_ok"] = k == it["kind"]
    miss = [it for it in items if not it["found"]]
    if miss:
        ck = scan_values(pd.Series([it["canon"] for it in miss], dtype=object))
        for it, k in zip(miss, ck):
            cs_ = scrub_text(it["canon"])
            it["canon_found"] = k is not None and cs_ != it["canon"]
    nine = [c for c in clean if re.fullmatch(r"(?:Meldingnummer )?\d{9}", c)]
    fps = [{"cell": c, "got": k, "scrubbed": s} for c, k, s in zip(clean, ckinds, cscrub)
           if k is not None or s != c]
    # timing at scale: 100k rows, mostly clean + 2% items, ~30% distinct
    big = [R.choice(clean) + (f" #{R.randint(1, 30000)}" if R.random() < 0.3 else "") for _ in range(98000)]
    big += [R.choice(items)["cell"] for _ in range(2000)]
    R.shuffle(big)
    bs = pd.Series(big, dtype=object)
    t0 = time.perf_counter()
    scan_values(bs)
    t_big = time.perf_counter() - t0
    n, f = len(items), sum(it["found"] for it in items)
    per = defaultdict(Counter)
    for it in items:
        per[it["kind"]]["n"] += 1
        per[it["kind"]]["f"] += it["found"]
    kinds = pd.DataFrame([{"kind": k, "items": c["n"], "found": c["f"], "rate": c["f"] / c["n"]}
                          for k, c in per.items()])
    false = [x["cell"] for x in fps if x["got"]]
    missed = [{"kind": it["kind"], "style": it["style"], "cell": it["cell"].replace("\n", " ").replace("|", "/"),
               "read as": it["got"] or "-"} for it in items if not it["found"]]
    out = ["# Personal data the scanner finds (`benchmarks/privacy_recall.py`)", "",
           __doc__.split("\n\n")[0].replace("\n", " "), "",
           f"**Found: {f} of {n} ({f / n:.1%}).** False positives on {len(clean)} clean cells: {len(false)}"
           + (f" ({'; '.join(f'`{c}`' for c in false)})" if false else "") + ". Nine-digit clean ids that pass the "
           f"11-test (and so read as a BSN): {sum(std_bsn.is_valid(re.sub(r'[^0-9]', '', c)) for c in nine)} of "
           f"{len(nine)}.", "", markdown_table(kinds), "",
           f"Scan time: {t_items:.3f} s for the items (scan_values), {t_scrub:.3f} s (scrub_text); a 100,000-row "
           f"column with {bs.nunique():,} distinct values {t_big:.2f} s.", "",
           "## Per style", "", tables(items), "", "## Missed", "", markdown_table(pd.DataFrame(missed)) if missed
           else "none", ""]
    r9 = score([{"kind": k, "style": st, "cell": c, "cores": cores} for k, st, c, cores in ROUND9])
    r9_false = [c for c, k in zip(CLEAN_ROUND9, scan_values(pd.Series(CLEAN_ROUND9, dtype=object)))
                if k is not None or scrub_text(c) != c]
    out += ["## Forms of red-team round 9", "",
            f"Found {sum(it['found'] for it in r9)} of {len(r9)}; false positives on {len(CLEAN_ROUND9)} ordinary cells "
            f"in the same forms: {len(r9_false)}" + (f" ({'; '.join(f'`{ascii(c)}`' for c in r9_false)})" if r9_false
                                                     else "") + ".", "",
            markdown_table(pd.DataFrame([{"kind": it["kind"], "style": it["style"], "cell": f"`{ascii(it['cell'])}`",
                                          "read as": it["got"] or "-", "found": "yes" if it["found"] else "NO"}
                                         for it in r9])), ""]
    out += ["## Report numbers", "", "Seconds to scan 100,000 distinct report numbers of one shape (`scan_values`; "
            "whole numbers and case numbers are judged by their digits, the rest by every rule):", "",
            markdown_table(pd.DataFrame(id_shape_times()))]
    publish("privacy_recall", "\n".join(out))


ID_SHAPES = {"SIG-123456": lambda i: f"SIG-{100000 + i}", "123456": lambda i: f"{100000 + i * 7 % 900000}",
             "123456789": lambda i: f"{100000000 + i * 7919 % 900000000}", "2021-000123": lambda i: f"{2021 + i % 5}-{i:06d}",
             "MOR-2021-0001234": lambda i: f"MOR-{2021 + i % 5}-{i:07d}", "2021.123456": lambda i: f"{2021 + i % 5}.{i:06d}",
             "Zaak-2021-000123": lambda i: f"Zaak-{2021 + i % 5}-{i:06d}",
             "15-05-2026 05:46:35": lambda i: f"{1 + i % 28:02d}-{1 + i // 28 % 12:02d}-{2020 + i // 336 % 7} "
                                              f"{i // 2352 % 24:02d}:{i % 60:02d}:{i // 60 % 60:02d}",
             "M2021-12345 (a sequence of five: every rule)": lambda i: f"M{2021 + i % 5}-{i % 100000:05d}"}


def id_shape_times(n: int = 100_000) -> list[dict]:
    """Per shape of report number: seconds to scan ``n`` distinct values, and how many read as personal."""
    rows = []
    for shape, make in ID_SHAPES.items():
        values = pd.Series([make(i) for i in range(n)], dtype="string").drop_duplicates()
        t0 = time.perf_counter()
        kinds = scan_values(values)
        rows.append({"shape": f"`{shape}`", "distinct": len(values), "seconds": round(time.perf_counter() - t0, 2),
                     "read as personal": int(kinds.notna().sum())})
    return rows


def tables(items):
    kinds = list(MAKERS)
    ab = {"telefoonnummer": "tel", "bsn": "bsn", "iban": "iban", "e-mail": "mail", "adres": "adres",
          "geboortedatum": "gebdat", "naam": "naam"}
    L = ["| style | " + " | ".join(ab[k] for k in kinds) + " | all |", "|---" * (len(kinds) + 2) + "|"]
    for st in GENERIC:
        row, tn, tf = [], 0, 0
        for k in kinds:
            xs = [it for it in items if it["kind"] == k and it["style"] == st]
            n, f = len(xs), sum(it["found"] for it in xs)
            tn, tf = tn + n, tf + f
            row.append(f"{f}/{n}" if n else "-")
        L.append(f"| {st} | " + " | ".join(row) + f" | {tf}/{tn} |")
    L.append("")
    for k in kinds:
        c = Counter()
        for it in items:
            if it["kind"] == k and it["style"].startswith("nb_"):
                c[(it["style"][3:], "n")] += 1
                c[(it["style"][3:], "f")] += it["found"]
        parts = [f"{s} {c[(s, 'f')]}/{c[(s, 'n')]}" for s in sorted({s for s, _ in c})]
        L.append(f"- **{k}**: " + ", ".join(parts))
    return "\n".join(L)


if __name__ == "__main__":
    main()
