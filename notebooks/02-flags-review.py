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
# # Terugblik op de signaleringen
#
# Hoe gedroegen de lijsten zich: nieuwe signaleringen per wijkteam en domein, de tijd van `nieuw` tot
# `opgelost`, de terugkoppeling van de wijkteams, de precisie per signaal en het aantal regels per team
# per week (het budget voor vals alarm in de praktijk). Berekeningen: `pipelines/reports/review.py`.

# %% tags=["parameters"]
home = None     # working folder (default: $WIJKRADAR_HOME, else data/)
period = None   # run period, e.g. "2026-W47" (default: the latest run)
run_id = None   # the run of that period to report (default: its latest)

# %%
from IPython.display import HTML, Markdown, display

from pipelines.reports import charts, review
from pipelines.reports.data import open_warehouse, read_truth
from pipelines.reports.period import marts_note, read_period_data
from pipelines.reports.render import table

with open_warehouse(home) as con:     # every history cut at the end of the run's period
    data = read_period_data(con, period, run_id)
    note = marts_note(con, data.run)
if note:
    print(note)
truth = read_truth(home)
# each by the team whose list held it, a flag a later list closed as herzien (its month revised) among them
# an episode still listed where its source stopped delivering is neither resolved nor open: its run period says so
# and a flag a list sent that today's scores no longer hold (corrected counts, a newer logic) is kept as it was sent
episodes = review.episodes(data.evidence, data.areas, data.sent, data.revised, data.run["run_period"], data.listed)
teams = data.wijkteams["wijkteam"].tolist()
print(f"Run {data.run['run_id']}: {len(episodes)} episodes in de geschiedenis, {len(data.flags)} op de lijsten van nu")

# %% [markdown]
# ## Nieuwe signaleringen per maand

# %%
over_time = review.new_flags_over_time(episodes)
display(HTML(charts.to_svg(charts.new_flags_chart(over_time, teams), "cijfers-nieuw")))
display(HTML(charts.figures(charts.new_flags_figures(over_time), "nieuwe signaleringen per maand en wijkteam",
                            "cijfers-nieuw")))

# %% [markdown]
# ## Van nieuw tot opgelost
#
# Per wijkteam en domein: aantal episodes, opgelost, nog open, en de mediane en langste duur in weken. Een
# signalering die een latere lijst als `herzien` sloot (de bron heeft de cijfers van haar maand bijgesteld) telt
# mee als episode, niet als opgelost of open maar in een kolom herzien (alleen als die er zijn). Zo ook een
# signalering die nog op de lijst stond toen de bron ophield met leveren: niet opgelost en niet meer op de lijsten van
# nu, maar in een kolom niet beoordeeld (daarna geen cijfers, dus niet te zeggen). Een signalering die op een lijst
# stond maar die de scores van nu niet meer tonen (cijfers later gecorrigeerd, of opnieuw berekend door een nieuwere
# versie van wijkradar) telt mee in een kolom herberekend: ze is verstuurd en misschien beantwoord.

# %%
display(HTML(table(review.in_dutch(review.time_to_resolution(episodes)),
                   {"domain": "domein", "episodes": "episodes", "resolved": "opgelost", "revised": "herzien",
                    "unjudged": "niet beoordeeld", "rejudged": "herberekend", "open": "open",
                    "median_weeks": "mediaan (weken)", "max_weeks": "langste (weken)"},
                   caption="Van nieuw tot opgelost per wijkteam en domein")))
stopped = review.unjudged_sentence(episodes)
if stopped:
    display(Markdown(stopped))

# %% [markdown]
# ## Terugkoppeling van de wijkteams
#
# Per wijkteam het aandeel van elk antwoord, per signalering (episode) het laatste antwoord: een signalering die
# weken op de lijst stond en elke week beantwoord is, telt één keer, zoals in het jaarplan.

# %%
shares = review.feedback_shares(data.feedback)
if shares.empty:
    display(Markdown("Nog geen terugkoppeling vastgelegd (tabel `meta.flag_feedback` ontbreekt of is leeg)."))
else:
    display(HTML(table(shares, review.FEEDBACK_HEADERS, digits=2, caption="Terugkoppeling per wijkteam")))

# %% [markdown]
# ## Precisie per signaal
#
# Per signaal: hoeveel beantwoorde signaleringen (episodes, elk met het laatste antwoord) terecht waren (niet
# 'geen probleem'), met de signalen die de lijst van het wijkteam toonde; dezelfde cijfers als `wijkradar feedback`
# en de Toelichting van de lijsten, en net als daar onder 5 antwoorden geen precisie ('nog te weinig antwoorden').
# Een signalering zonder eigen signaal telt onder wat haar op de lijst bracht: 'Alleen bij de buren' (een stijging
# samen met de buurbuurten) of 'Signalen van het domein samen'; een signalering die alleen beantwoord is toen ze
# niet meer verhoogd was (nazorg, opgelost), telt apart. Zonder terugkoppeling, in de demo: de beoordeelde
# episodes volgens de bekende waarheid.

# %%
# from answers: the figures of `wijkradar feedback` and the lists' Toelichting (the signals each list showed)
precision, basis = review.precision_from_answers(data.feedback, data.catalogue), "terugkoppeling"
if precision.empty and truth is not None:
    signals = review.episode_signals(data.evidence, data.scores, data.catalogue)
    judged, basis = review.judge_by_truth(episodes, truth, data.catalogue), "demo-waarheid"
    precision = review.precision_per_signal(judged, signals, data.catalogue)
if precision.empty:
    display(Markdown("Nog niets beoordeeld: geen terugkoppeling en geen bekende waarheid."))
else:
    display(Markdown(f"Basis: {basis}."))
    display(HTML(table(review.in_dutch(precision), {"label_nl": "signaal", "domain": "domein", "judged": "beoordeeld",
                                   "correct": "terecht", "precision": "precisie", "remark": "opmerking"},
                   digits=2, caption="Precisie per signaal")))

# %% [markdown]
# ## Het budget voor vals alarm in de praktijk
#
# Regels per wijkteam per week over het laatste jaar. Waar de waarheid bekend is (de demo) tellen de
# bekende oorzaken niet mee; anders is dit gewoon het aantal regels per team per week.

# %%
weeks = review.last_weeks(data.evidence, data.run_start, 52)
listed = review.listed_per_team_week(data.evidence, data.areas, weeks, review.truth_pairs(truth, data.catalogue),
                                     data.sent)
display(HTML(charts.to_svg(charts.listed_per_week_chart(listed), "cijfers-budget")))
display(HTML(charts.figures(charts.listed_figures(listed), "regels zonder bekende oorzaak per week en wijkteam",
                            "cijfers-budget", digits=0)))
display(HTML(table(review.budget_summary(listed), {"weeks": "weken", "listed_per_week": "regels per week",
                                                    "chance_per_week": "zonder bekende oorzaak"}, digits=2,
                   caption="Regels per wijkteam per week")))
