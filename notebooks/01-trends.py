# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Trends per wijk en domein
#
# Hoe ontwikkelen de signalen zich per wijk en domein (fysiek, sociaal, veiligheid)? Waargenomen tegen
# verwacht, dit jaar tegen eerdere jaren (hetzelfde deel van het jaar), de samenstelling van de signalen
# en de reeksen die het sterkst stijgen. De stad en de dorpen staan apart.
# Alle berekeningen staan in `pipelines/reports/trends.py`; dit notebook leest alleen.

# %% tags=["parameters"]
home = None     # working folder (default: $WIJKRADAR_HOME, else data/)
period = None   # run period, e.g. "2026-W47" (default: the latest run)
run_id = None   # the run of that period to report (default: its latest)

# %%
from IPython.display import HTML, display

from pipelines.reports import charts, trends
from pipelines.reports.data import open_warehouse
from pipelines.reports.period import marts_note, period_end, read_period_data
from pipelines.reports.render import table

with open_warehouse(home) as con:     # every history cut at the end of the run's period
    data = read_period_data(con, period, run_id, home)   # home: its profile's code mappings (herindeling)
    note = marts_note(con, data.run)
if note:
    print(note)
end = period_end(data.run["run_period"])      # a week's Sunday, a month's last day
year = trends.report_year(data.run_start, "week" if "-W" in data.run["run_period"] else "month")
end_label = end.strftime("%d-%m")
print(f"Run {data.run['run_id']}, periode {data.run['run_period']}; jaar {year} tot en met {end.strftime('%d-%m-%Y')}")

# %% [markdown]
# ## Waargenomen tegen verwacht
#
# Per wijk en domein de som van de waargenomen aantallen gedeeld door de som van wat de detectoren op grond
# van de eigen geschiedenis van elke buurt verwachtten (1 = zoals verwacht). Blauw: stad, groen: dorpen.

# %%
oe = trends.observed_vs_expected(data.scores, data.areas, data.catalogue)
display(HTML(charts.to_svg(charts.observed_vs_expected_chart(oe, year), "cijfers-verhouding")))
display(HTML(table(trends.ratio_table(oe, year), {"kind": "soort", "wijk": "wijk"}, digits=2,
                   caption=f"Waargenomen / verwacht per wijk en domein, {year}", table_id="cijfers-verhouding")))

# %% [markdown]
# ## Dit jaar tegen eerdere jaren
#
# Aantallen per 1.000 inwoners in hetzelfde deel van elk jaar (tot en met dezelfde dag), stad en dorpen apart;
# daaronder per wijk het aantal van dit jaar tegen het gemiddelde aantal van de eerdere jaren (zelfde deel van het
# jaar), met het verschil in procenten.

# %%
waiting = trends.not_yet_compared(data.counts, data.catalogue, end, year)
if waiting:
    print(waiting)
short = trends.delivered_until(data.counts, data.areas, data.catalogue, end, year)   # a source stopped, or is late
if short:
    print(short)
gone = trends.not_compared(data.counts, data.areas, data.catalogue, end, year)   # no source to compare every year
if gone:
    print(gone)
ytd_kind = trends.year_to_date(data.counts, data.areas, data.catalogue, end, by=("kind", "domain"), year=year)
display(HTML(charts.to_svg(charts.year_to_date_chart(ytd_kind, end_label), "cijfers-jaar-tot-nu")))
display(HTML(charts.figures(charts.year_to_date_figures(ytd_kind), "per 1.000 inwoners in hetzelfde deel van elk jaar",
                            "cijfers-jaar-tot-nu")))
ytd_wijk = trends.year_to_date(data.counts, data.areas, data.catalogue, end, year=year)
change = trends.this_year_vs_earlier(ytd_wijk, year)
display(HTML(table(trends.change_table(change, year), caption=f"Per wijk: {year} tegen eerdere jaren")))
per_52 = trends.per_52_weeks_sentence(ytd_wijk, data.counts, data.catalogue, end, year)   # a year of 53 weeks
if per_52:
    print(per_52)

# %% [markdown]
# ## Samenstelling van de signalen per wijk

# %%
mix = trends.signal_mix(data.counts, data.areas, data.catalogue, year, end)
display(HTML(charts.to_svg(charts.signal_mix_chart(mix, year), "cijfers-samenstelling")))
display(HTML(charts.figures(charts.signal_mix_figures(mix), f"aandeel (%) van elk signaal per wijk, {year}",
                            "cijfers-samenstelling")))

# %% [markdown]
# ## Sterkst stijgende reeksen
#
# De laatste 13 weken tegen dezelfde weken van de drie jaren ervoor (maandsignalen: de maanden die in die
# weken vielen). Eerst de stad, dan de dorpen.

# %%
rising = trends.rising_series(data.counts, data.areas, data.catalogue, end, top=None)
cols = {"name": "buurt", "label_nl": "signaal", "recent": "laatste 13 weken", "baseline": "eerder (gem.)",
        "ratio": "verhouding", "z": "z"}
for kind, title in [("stadswijk", "Stad"), ("dorp", "Dorpen")]:
    part = rising[rising["kind"] == kind].head(10)
    display(HTML(f"<h3>{title}</h3>" + table(trends.rising_table(part), cols,
                                             caption=f"Sterkst stijgende reeksen: {title.lower()}")))
if rising.empty:              # why, rather than two empty tables (a municipality's first year)
    print(trends.no_rising_sentence(data.counts, end))
gaps = trends.recent_gaps_sentence(trends.recent_gaps(data.counts, data.areas, data.catalogue, end))
if gaps:
    print(gaps)
