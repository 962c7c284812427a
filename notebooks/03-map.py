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
# # Kaart van de signalen
#
# Elke buurt gekleurd naar het bewijs per domein in de week van de run (maanddomeinen: de laatste volledige
# maand), als -log10 van de p-waarde van het domein; buurten op de lijst van een wijkteam hebben een dikke rand.
# Kaart: buurtgrenzen CBS/PDOK 2024, licentie CC BY 4.0. Berekeningen: `pipelines/reports/maps.py`.

# %% tags=["parameters"]
home = None     # working folder (default: $WIJKRADAR_HOME, else data/)
period = None   # run period, e.g. "2026-W47" (default: the latest run)
run_id = None   # the run of that period to report (default: its latest)

# %%
from html import escape

from IPython.display import HTML, display

from pipelines.reports import maps
from pipelines.reports.data import open_warehouse, outline_paths, read_outlines
from pipelines.reports.period import marts_note, read_period_data
from pipelines.reports.render import table

with open_warehouse(home) as con:     # every history cut at the end of the run's period
    data = read_period_data(con, period, run_id)
    note = marts_note(con, data.run)
if note:
    print(note)
latest = maps.latest_domain_evidence(data.evidence, data.run_start)
municipalities = outline_paths(data.areas)
if not municipalities:
    print("Geen buurtgrenzen gevonden voor de gemeenten van deze werkmap.")
for code, name, path in municipalities:       # one map per municipality of the working folder
    if len(municipalities) > 1:
        display(HTML(f"<h3>{escape(name)} ({code})</h3>"))
    outlines, viewbox = read_outlines(path)
    display(HTML(maps.domain_maps(outlines, viewbox, latest, data.flags, data.run["run_period"])))

# %% [markdown]
# ## Buurten op de lijsten

# %%
display(HTML(table(maps.flagged_table(data.flags),
                   {"wijkteam": "wijkteam", "name": "buurt", "domain": "domein", "level": "niveau", "status": "status",
                    "since": "sinds"}, caption="Buurten op de lijsten van de wijkteams")))
