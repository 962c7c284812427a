"""The Notitie column of a wijkteam's returned list (pipelines.feedback stores a note unless privacy.note_kind finds
something personal in it): notes naming a resident as a professional writes them are found, ordinary notes pass."""
import pytest

from pipelines.privacy import note_kind

# What a red team found stored in meta.flag_feedback without a warning: a capitalised surname anywhere, a
# tussenvoegsel and a capitalised surname, an e-mail address without its domain, and a Hoogeveen landline
# (0528-123456) typed into a cell that stores numbers, which keeps it as 528123456.
PERSONAL = [
    ("De Vries besproken", "naam"), ("Visser gebeld, komt langs", "naam"), ("casus Van Dijk loopt", "naam"),
    ("Brinkhuis gebeld", "naam"), ("Smit gebeld", "naam"), ("Mulder gebeld", "naam"), ("Dijkstra gebeld", "naam"),
    ("De Boer gebeld", "naam"), ("opgepakt, Dijkstra weet ervan", "naam"), ("afgestemd met Brinkhuis", "naam"),
    ("Opgepakt. Visser belt terug", "naam"), ("overleg met de Boer", "naam"), ("casus Van Heemskerck", "naam"),
    ("casus Ter Horst loopt", "naam"), ("Bakker-Visser gebeld", "naam"), ("Visser Bakker gebeld", "naam"),
    ("Visser en Smit gebeld", "naam"), ("casus Smit loopt", "naam"), ("Bos gebeld", "naam"),
    # in capitals; a note that is a surname and nothing else
    ("BRINKHUIS gebeld", "naam"), ("BAKKER GEBELD", "naam"), ("DE BOER GEBELD", "naam"), ("Bakker", "naam"),
    ("Dijkstra", "naam"),
    ("mail van j.bakker ontvangen", "e-mail"), ("j.bakker", "e-mail"), ("zie mail van p.dekker", "e-mail"),
    ("mail van x.y", "e-mail"), ("antwoord van jan_jansen", "naam"), ("bakker.j stuurt foto's", "e-mail"),
    ("528123456", "telefoonnummer"), ("bel 528123456", "telefoonnummer"), ("528 123456", "telefoonnummer"),
    ("612345678", "telefoonnummer"), ("terugbellen op 201234560", "telefoonnummer"),
    # red team round 2 (04): the number before the street, a word between street and number, a street's word alone,
    # a date of birth without its keyword, a surname on no list before a verb of contact, initials glued to a
    # surname, a Belgian or German number written as at home
    ("portiek 14 Kerkstraat", "adres"), ("hoek Kerkstraat/Molenweg huis 3", "adres"),
    ("woont boven de Jumbo aan de Markt 3", "adres"), ("13a kerkstraat, buren klagen", "adres"),
    ("12 maart 1961", "geboortedatum"), ("1961-03-12", "geboortedatum"), ("melder is van 03-04-1958", "geboortedatum"),
    ("Bakkal gebeld", "naam"), ("daarna Yilmaz gesproken", "naam"), ("JJansen", "naam"), ("@jjansen", "naam"),
    ("bel 0470/12.34.56", "telefoonnummer"), ("mobiel 0151 23456789", "telefoonnummer"),
    # red team round 4b (F1): near variants of those
    ("Bakkal belt terug", "naam"), ("Bakkal ingelicht", "naam"), ("14 Grote Kerkstraat", "adres"),
    ("Kerkstraat boven 12", "adres"), ("Kerkstraat achter nr 12", "adres"), ("jjansen gebeld", "naam"),
    ("12 maart '61", "geboortedatum"), ("(0151) 2345 6789", "telefoonnummer"), ("0151 / 2345 6789", "telefoonnummer"),
    # thirty-sixth session: a plate the writer calls one, whatever its letters (a typo, a foreign plate)
    ("kenteken 12-ABC-3", "kenteken"), ("kenteken: HH-AB-123", "kenteken"), ("nummerbord ABC123", "kenteken"),
]


@pytest.mark.parametrize("note, kind", PERSONAL, ids=[n for n, _ in PERSONAL])
def test_a_note_naming_a_person_as_a_professional_writes_it_is_personal(note, kind):
    assert note_kind(note) == kind


# Ordinary notes a wijkteam writes: capitalised first words that are surnames too ("Storm", "Kunst", "Mensen",
# "School"), places ("De Weide", "Hoogeveen", "Drenthe"), organisations after their kind ("buurthuis De Schakel") or
# named in several capitalised words ("Schoon Hoogeveen"), abbreviations, websites, dates and counts.
#
# The trade-off: a surname that is a Dutch word too, as a note's first word, is a name only before a word for what a
# person does or is done to ("Visser gebeld"; "Boer zoekt contact met buurtvereniging" is dropped too: the answer is
# kept and the team told to leave the name out); after a word for a person (buurman, bewoner, melder, huisarts,
# contactpersoon) or a verb of contact ("gesproken met") a capitalised word on no list is a name ("buurman Kowalski"),
# after meneer/mevrouw/dhr/mevr any word, in a note all in capitals a word before a verb of contact ("KOWALSKI
# GEBELD"), unless it is an organisation's, office's, place's or common word (dropped anyway: "melder Zwerfafval",
# "huurder Woonconcern ingelicht"); a lower-case word after "gesproken met" is not read ("gesproken met kowalski"
# passes: "gesproken met handhaving", "met beheerder" are as common and no list tells them apart); inside a sentence a capitalised surname of the list is a name, as a
# professional capitalises a name and little else ("Bouw Ter Aar dorpshuis", a former municipality, is dropped).
HARMLESS = [
    "Besproken in wijkteamoverleg 12-11", "Afgestemd met woningcorporatie", "Gemeld bij handhaving",
    "Zie jaarplan 2027", "Opgepakt samen met de wijkagent", "Container is geleegd, melding gesloten",
    "Bekend bij het sociaal team", "Al in behandeling bij de gemeente", "Overlast jongeren, extra surveillance ingezet",
    "Valt samen met de jaarwisseling", "Doorgezet naar Stichting Welzijn",
    "Buurthuis De Schakel organiseert bijeenkomst", "Speeltuin De Vlinder wordt opgeknapt",
    "Wijkschouw gepland in december", "Afval bij de glasbak, Reiniging ingelicht",
    "Zwerfafval na de markt, extra ronde", "Politie en boa houden toezicht", "Vals alarm: telling dubbel",
    "Storing in de registratie, geen echte stijging", "Winter: meer meldingen van gladheid",
    "Bouw van nieuwe woningen geeft overlast", "Brand in de container, politie ingelicht",
    "School heeft ouders ingelicht", "Storm heeft schade veroorzaakt", "Storm en regen geven wateroverlast",
    "Kunst in de wijk project gestart", "Mensen in de straat zijn ongerust", "Jongens van de voetbalclub ruimen op",
    "Fase 2 van het plan loopt", "Overleg in De Weide op 3-12", "Ook gemeld in Hoogeveen",
    "Gesprek met de VvE gepland", "Zie o.a. het verslag, i.v.m. drukte later", "Info op hoogeveen.nl",
    "Melding 2026-11-12 14:30, 3 keer per week", "Gemeente pakt dit op met de wijkagent",
    "Dubbele melding, zie vorige week", "Opgepakt in overleg met Veiligheidshuis", "met de buren gesproken",
    "Regeling met de verhuurder getroffen", "Levering van nieuwe containers volgt", "bij de Jumbo veel zwerfafval",
    "Aanpak via Schoon Hoogeveen", "In overleg met Politie Drenthe", "Jongerenwerker Kunst & Cultuur gestart",
    "Actie Heel Nederland Schoon", "Koffieochtend in Het Anker", "Wijk", "Centrum", "GGD ingelicht",
    "OVERLAST DOOR DE JONGENS IN DE WIJK", "BOA GAAT LANGS", "Hoek bij de kerk",
    # after a word for a person an unlisted capitalised word is read as a name (round 8): what follows such a word and
    # is no person (an organisation, an office, a place, a word for what the person does or is)
    "bewoner Buurtvereniging Noord belde", "melder Gemeente", "gesproken met wijkagent", "GEMELD BIJ HANDHAVING",
    "melder Anoniem", "buurman belde terug", "meneer belt terug", "mevrouw is tevreden", "melder wil terugkoppeling",
    "gesproken met Politie", "gesproken met Handhaving", "bewoner Noord klaagt", "POLITIE GEBELD", "HANDHAVING GEBELD",
    "WIJKAGENT GEBELD", "MELDER GEBELD", "GGD GEBELD", "VERHUURDER GEBELD", "BUREN GEBELD", "CORPORATIE GEBELD",
    "Gesproken met Jeugdwerk", "contactpersoon Veiligheidshuis", "huisarts Centrum ingelicht", "buurvrouw Thuiszorg",
    "wijkagent Ingelicht", "mevrouw heeft gebeld", "meneer zegt dat het beter gaat", "ZORGCENTRUM GEBELD",
    "OUDERS GEBELD", "melder onbekend", "Kerkstraat drie keer geveegd", "klantnummer volgt",
    # beside the rules of round 2 (04): recent dates, counts before a street, ordinary words and organisations before
    # a verb of contact, acronyms, a Dutch number (its own rules), a year alone
    "melding 12 maart 2026", "sinds 2024-03-12 bekend", "3 containers Kerkstraat geleegd", "Opnieuw gebeld",
    "Nogmaals gebeld", "Telefonisch gesproken", "Vandaag gemaild", "Woonconcern gebeld", "Lefier gebeld",
    "Jumbo gebeld", "KPN storing", "Flat uit 1961 wordt gerenoveerd", "op de markt 3 kramen extra", "Fase 2 gestart",
    "week 14 overleg", "Kerkstraat 2 keer geveegd",
    # red team round 4b (F2): what those rules dropped at first: counts before a word with a street's ending, a number
    # before a street that is no house number, job titles and organisations before a verb of contact, old dates of
    # events, a market
    "3 bankjes geplaatst", "10 paaltjes teruggezet", "1 schoolplein opgeknapt", "Ook 1 fietspad aangepakt",
    "2 grasveld gemaaid", "1 kerkhof gevandaliseerd", "Week 14 Kerkstraat afgesloten", "Container 3 Schutstraat vol",
    "Lijn 21 Pesserstraat rijdt om", "Fase 2 Hoofdstraat start maart", "Wijkcoach gebeld", "Schuldhulpverlener gesproken",
    "Stedin gebeld", "Treant gebeld", "Huisartsenpost gebeld", "Dierenambulance gebeld", "Voedselbank meldt meer aanvragen",
    "Leerplicht ingelicht", "ProRail ingelicht over spoorovergang", "Pand staat leeg sinds 1 januari 2010",
    "Flat opgeleverd 1 mei 1972, renovatie 2027", "Overeenkomst getekend 15-06-2011", "Op de Markt 2 extra prullenbakken",
    "Kermis aan de Markt 12 t/m 15 juni", "melding van 12-03-26",
    # beside the plate a writer names: the word without a plate
    "kenteken onbekend", "kenteken doorgegeven aan handhaving", "kenteken 2x gezien", "melding over kentekens",
]


@pytest.mark.parametrize("note", HARMLESS)
def test_an_ordinary_note_stays_a_note(note):
    assert note_kind(note) is None
