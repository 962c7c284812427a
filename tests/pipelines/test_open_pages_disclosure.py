"""Open pages: no hidden count can be narrowed down from what the pages print. A reader is simulated who
reads every wijk page of a municipality (the counts rounded to fives, ``<5``, ``verborgen``, the municipality's
rate per 1,000 of its rounded count) and knows the inhabitants (CBS) and the rules, and works out every value a
hidden count can have."""
import re

import pandas as pd

from pipelines.reports import openpages

CATALOGUE = pd.DataFrame({"signal": ["eenzaam"], "domain": ["social"], "label_nl": ["Eenzaamheid"]})
YEAR, MOST = 2025, 400                 # a year of 52 weeks; no count of these municipalities comes near MOST


def municipality(rows, code="GM9999"):
    """Rates of one domain and year as :func:`openpages.yearly_rates` gives them: (name, inhabitants, count)."""
    r = pd.DataFrame([dict(wijk_code=f"WK{code[2:]}{i:02d}", wijk=w, gemeente_code=code, kind="dorp",
                           domain="social", year=YEAR, count=n, population=p, rate=n / p * 1000)
                      for i, (w, p, n) in enumerate(rows, 1)])
    people, total = sum(p for _, p, _ in rows), sum(n for *_, n in rows)
    gemeente = dict(wijk_code=code, wijk="Kleingemeente", gemeente_code=code, kind="gemeente", domain="social",
                    year=YEAR, count=total, population=people, rate=total / people * 1000)
    return pd.concat([r, pd.DataFrame([gemeente])], ignore_index=True)


def printed(rates):
    """Per wijk (name, inhabitants): the count cell of its page and the municipality's rate beside it."""
    out, gemeente_rate = {}, set()
    for _, w in rates[rates["kind"] != "gemeente"].iterrows():
        page = openpages.wijk_page(w, rates, CATALOGUE, 5, None, "29-11-2026")
        row = re.search(r'<tr><td>2025</td><td class="aantal">([^<]*)</td><td class="cijfer">[^<]*</td>'
                        r'<td class="cijfer">([^<]*)</td></tr>', page)
        out[w["wijk"], w["population"]] = row[1].replace("&lt;", "<")
        gemeente_rate.add(row[2])
    assert len(gemeente_rate) == 1
    return out, gemeente_rate.pop()


def what_a_reader_can_work_out(rates):
    """Wijk name -> every count it can have, given all its municipality's pages."""
    cells, rate_text = printed(rates)
    people = int(rates.loc[rates["kind"] == "gemeente", "population"].iloc[0])
    totals = [t for t in range(MOST) if rate_text == "-" or t >= 5 and rate_text == openpages._nl(
        openpages.round_rate(openpages.round_count(t) / people * 1000))]
    values = {}
    for (name, population), text in cells.items():
        if text == "<5":
            values[name] = set(range(5))
        elif text == "verborgen":           # hidden for its few inhabitants (anything) or beside a small one (5+)
            values[name] = set(range(0 if population < openpages.MIN_POPULATION else 5, MOST))
        else:
            shown = int(text.replace(".", ""))        # rounded to fives: 5 stands for 5 to 7
            values[name] = set(range(max(5, shown - 2), shown + 3))
    possible = {}
    for name in values:
        sums = {0}                          # what the other wijken can hold together
        for other, vs in values.items():
            if other != name:
                sums = {s + v for s in sums for v in vs if s + v < MOST}
        possible[name] = {v for v in values[name] if any(t - v in sums for t in totals)}
    return possible


def test_a_small_wijk_hidden_beside_a_lt5_cannot_be_worked_out_from_the_municipality_rate():
    # the red team's case: 30 inhabitants (no figures at all) and a '<5' dorp; the rate of 8,2 per 1,000 of
    # 20,000 inhabitants gives the total within 1, and the shown 150 put the small wijk at 9 to 15
    rates = openpages.disclose(municipality([("Bedrijventerrein", 30, 12), ("Dorp Noord", 2000, 3),
                                             ("Dorp Zuid", 17970, 150)]))
    can = what_a_reader_can_work_out(rates)
    assert min(can["Bedrijventerrein"]) == 0 and max(can["Bedrijventerrein"]) >= 2 * 12
    assert can["Dorp Noord"] == set(range(5))
    assert printed(rates)[1] == "8,2"           # here the dorp's count goes, the municipality's rate stays


def test_a_lt5_wijk_is_not_given_away_by_a_secondary_cell_of_just_five():
    # a small municipality: its rate gives the total exactly; the lone '<5' (0) takes the next smallest (5)
    # with it, and 'verborgen' means at least 5, so 45 - 40 = 5 would give both
    rates = openpages.disclose(municipality([("Akker", 400, 0), ("Brink", 300, 5), ("Centrum", 250, 40)]))
    can = what_a_reader_can_work_out(rates)
    assert can["Akker"] == set(range(5))


def test_when_every_wijk_is_hidden_the_municipality_rate_goes_too():
    rates = openpages.disclose(municipality([("Bedrijventerrein", 30, 12), ("Dorp", 2000, 3)]))
    can = what_a_reader_can_work_out(rates)
    assert min(can["Bedrijventerrein"]) == 0 and max(can["Bedrijventerrein"]) >= 2 * 12
    assert printed(rates)[1] == "-"
    gm = rates[rates["kind"] == "gemeente"]
    dorp = rates[rates["wijk"] == "Dorp"]
    assert "hele gemeente" not in openpages.trend_sentence("Dorp", "social", dorp, gm)


def test_a_wijk_of_few_inhabitants_does_not_even_show_lt5():
    rates = openpages.disclose(municipality([("Bedrijventerrein", 30, 2), ("Dorp Zuid", 17970, 150),
                                             ("Dorp Noord", 2000, 80)]))
    cells, _ = printed(rates)
    assert cells["Bedrijventerrein", 30] == "verborgen"
    assert min(what_a_reader_can_work_out(rates)["Bedrijventerrein"]) == 0


def test_ordinary_pages_are_unchanged_where_nothing_can_be_worked_out():
    # a town of 100,000: a rate of 9,7 (of 963 printed as 965) gives the total within ten; the lone '<5' takes
    # the next smallest along, as it always did, and nothing more goes
    town = [(f"Wijk {i}", 20000, n) for i, n in enumerate([3, 40, 120, 300, 500])]
    rates = openpages.disclose(municipality(town))
    assert rates.loc[rates["hidden"], "wijk"].tolist() == ["Wijk 0", "Wijk 1"]
    assert printed(rates)[1] == "9,7"
    rates = openpages.disclose(municipality([(w, p, n + 10) for w, p, n in town]))
    assert not rates["hidden"].any()
    assert printed(rates)[0] == {("Wijk 0", 20000): "15", ("Wijk 1", 20000): "50", ("Wijk 2", 20000): "130",
                                 ("Wijk 3", 20000): "310", ("Wijk 4", 20000): "510"}
