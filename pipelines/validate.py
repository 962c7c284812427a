"""Row-level validation with Great Expectations, splitting a batch into accepted and quarantined rows.

Each source declares its suite as a list of :class:`Check` (a GX expectation plus the reason a
person reads when a row fails it). GX validates the pandas frame (its SQL path is broken on
DuckDB); every row named in an expectation's ``unexpected_index_list`` is quarantined with that
reason. Great Expectations is imported lazily: it costs ~3-6 s.
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from pipelines.codes import AREA_CODE


class ValidationRefused(ValueError):
    """The whole batch is refused; nothing of it is written to core."""


@dataclass(frozen=True)
class Check:
    expectation: Any      # a great_expectations.expectations.Expectation
    reason: str           # what a person reads in quarantine


@dataclass(frozen=True)
class Verdict:
    accepted: pd.Series        # bool per row, aligned with the frame
    failures: pd.DataFrame     # row_number, expectation, reason (one row per failed row)


_lock = threading.Lock()
_contexts: dict = {}
SITE = "wijkradar"


def _cache_jinja_bytecode() -> None:
    """Give every Jinja environment of GX's data-docs views one in-memory bytecode cache, so each template is compiled
    once a process.

    GX 1.24 builds a new ``jinja2.Environment`` for every view it renders (a page, a section, a content block), and
    an environment's template cache is its own: every page of every build parsed and compiled the same ~18 templates
    again, about 0.4-0.7 s of a load's data docs (0.9 s). Jinja's bytecode cache keys a compiled template by its name
    and file and checks its source's checksum, so a template is only reused while its text is the same; the pages do
    not change (``tests/pipelines/test_validate.py``). Tied to the pinned GX, whose views hold their environment as
    ``self.env``.
    """
    import jinja2
    from great_expectations.render.view.view import DefaultJinjaView

    if getattr(DefaultJinjaView, "_wijkradar_bytecode", None) is not None:
        return

    class InMemory(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.compiled:
                bucket.bytecode_from_string(self.compiled[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.compiled[bucket.key] = bucket.bytecode_to_string()

    cache = InMemory()
    build = DefaultJinjaView.__init__

    def __init__(self, *args, **kwargs) -> None:
        build(self, *args, **kwargs)
        self.env.bytecode_cache = cache

    DefaultJinjaView.__init__ = __init__
    DefaultJinjaView._wijkradar_bytecode = cache
    DefaultJinjaView._wijkradar_own_init = build      # GX's own: a test renders with both and compares


@contextmanager
def _configurations_kept():
    """Within the block, each GX expectation builds its configuration once.

    GX 1.x rebuilds an expectation's ``configuration`` (a pydantic ``dict()`` and a new ``ExpectationConfiguration``)
    every time it reads it while it builds the metric graph, some 130 times per expectation of a validation: a
    quarter of a validation's time. Nothing changes an expectation during a validation, so the first configuration
    of each stands for the block. Only around a validation that builds no data docs (their renderer writes into the
    configuration of a result). Tied to the pinned GX (``tests/pipelines/test_validate.py`` compares the verdicts with
    and without it)."""
    from great_expectations.expectations.expectation import Expectation

    own = Expectation.configuration
    kept: dict[int, tuple] = {}

    def configuration(self):
        got = kept.get(id(self))
        if got is None or got[0] is not self:
            got = kept[id(self)] = (self, own.fget(self))
        return got[1]

    Expectation.configuration = property(configuration)
    try:
        yield
    finally:
        Expectation.configuration = own


def _gx_context(docs_root: Path | None = None):
    """An in-memory GX context, or a file context under ``<docs_root>/../gx`` that builds data docs."""
    key = str(docs_root) if docs_root else None
    if key not in _contexts:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        if docs_root is None:
            ctx = gx.get_context(mode="ephemeral")
        else:
            _cache_jinja_bytecode()
            ctx = gx.get_context(mode="file", project_root_dir=str(docs_root.parent))
            # GX re-reads and parses this file (its template: comments only) on every access to a context variable,
            # some fifty times a load; wijkradar sets no config variables, and without the file GX reads none.
            (Path(ctx.root_directory) / "uncommitted" / "config_variables.yml").unlink(missing_ok=True)
            site = {
                "class_name": "SiteBuilder",
                # GX's index, without deserialising every validation result ever on each load (pipelines/docs_index)
                "site_index_builder": {"class_name": "StoredResultsIndexBuilder",
                                       "module_name": "pipelines.docs_index"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_root)},
            }
            stored = (ctx.list_data_docs_sites() or {}).get(SITE)
            if stored is None:
                ctx.add_data_docs_site(site_name=SITE, site_config=site)
            elif ((stored.get("store_backend") or {}).get("base_directory") != str(docs_root)
                  or stored.get("site_index_builder") != site["site_index_builder"]):
                # the site keeps the docs folder as the path it had when the working folder was made: a home moved,
                # copied or restored elsewhere wrote its pages into the first one's docs/ (and GX's index build there
                # removed that home's pages of loads the copy does not hold); an older home's site gets the index builder
                ctx.update_data_docs_site(SITE, site)
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        _contexts[key] = ctx
    return _contexts[key]


def _whole_batch(ctx, name: str):
    """The batch definition ``whole`` of the dataframe asset ``name`` in the context's pandas datasource, added
    only where missing: each add or update writes the context's whole configuration (a quarter of the validation
    time of a small file)."""
    try:
        ds = ctx.data_sources.get("wijkradar")
    except KeyError:
        ds = ctx.data_sources.add_pandas("wijkradar")
    try:
        asset = ds.get_asset(name)
    except LookupError:
        asset = ds.add_dataframe_asset(name=name)
    try:
        return asset.get_batch_definition("whole")
    except (KeyError, LookupError):
        return asset.add_batch_definition_whole_dataframe("whole")


def gx_expectations():
    """The ``great_expectations.expectations`` module (lazy import for suite builders)."""
    import great_expectations.expectations as gxe

    return gxe


#: Text GX may see and show in its data docs (and its validation JSON): typed values only. An area code, a date,
#: month or week, a number, a report number (capitals, then digits and separators) or its pseudonym; a value of the
#: column's value set in the suite; or a catalogue id (``zwerfafval``, ``illegale_dump``) none of whose words is on
#: the name lists. Anything else (free text typed into a code column: "klacht jan jansen", "Kerkstraat14") is
#: replaced by ``ONGELDIG-<row>`` first.
TYPED_TEXT = (AREA_CODE +
              r"|\d{4}-\d{2}(?:-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?)?|\d{4}-W\d{2}"
              r"|-?\d{1,15}(?:[.,]\d{1,6})?"
              r"|p-[0-9a-f]{20}"
              r"|(?:[A-Z]{1,8}[-._/]?)?\d[\d\-._/]{0,30}")
CATALOGUE_ID = r"[a-z][a-z0-9]{1,30}(?:_[a-z0-9]{1,30}){0,4}"


def _value_sets(checks) -> dict[str, set]:
    """Column -> the values of the suite's ``expect_column_values_to_be_in_set`` on it."""
    sets: dict[str, set] = {}
    for check in checks or []:
        exp = check.expectation
        values = getattr(exp, "value_set", None)
        column = getattr(exp, "column", None)
        if column is not None and isinstance(values, (list, tuple, set, frozenset)):
            sets.setdefault(column, set()).update(v for v in values if isinstance(v, str))
    return sets


def _typed(values: pd.Series, known: set) -> pd.Series:
    """Per distinct text value: whether GX may see it (:data:`TYPED_TEXT`, ``known``, a catalogue id)."""
    from pipelines import privacy

    text = values.astype(str)
    ok = values.isin(known) | pd.Series(privacy.regex_mask(text, TYPED_TEXT, full=True), index=text.index)
    ids = ~ok & text.str.fullmatch(CATALOGUE_ID)
    if ids.any():
        first, surname = privacy._lists()[:2]
        ids[ids] = [not any(w.title() in first or w.title() in surname for w in t.split("_")) for t in text[ids]]
        ok |= ids
    shown = ok & ~values.isin(known)
    if shown.any():                       # a typed shape that holds a personal item after all ("0612345678")
        ok[shown] = privacy.scan_values(text[shown]).isna().to_numpy()
    return ok


def safe_for_docs(frame: pd.DataFrame, checks=None) -> pd.DataFrame:
    """The frame with every text value that is not a typed value (:data:`TYPED_TEXT`) replaced by ``ONGELDIG-<row>``,
    the row where the value first occurs.

    Validation results and data docs then hold no markup and no free text, while a value outside a value set still
    fails it, and equal values stay equal and different ones different (so a uniqueness check still holds).
    """
    sets = _value_sets(checks)
    out = frame
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]) and frame[col].dtype != "datetime64[ns]":
            if out is frame:
                out = frame.copy()
            out[col] = frame[col].astype("datetime64[ns]")     # GX compares only ns datetimes vectorised
            continue
        if col == "row_number" or not (pd.api.types.is_object_dtype(frame[col]) or pd.api.types.is_string_dtype(frame[col])):
            continue
        values = frame[col]
        uniq = pd.Series(values.dropna().unique())
        if uniq.empty:
            continue
        bad_values = uniq[~_typed(uniq, sets.get(col, set())).to_numpy()]
        if bad_values.empty:
            continue
        bad = values.isin(bad_values)
        if out is frame:
            out = frame.copy()
        first_row = frame["row_number"].where(bad).groupby(values.where(bad)).transform("min")
        token = "ONGELDIG-" + first_row.astype("Int64").astype(str)
        out[col] = values.astype(object).where(~bad, token)
    return out


#: How the area check's reason begins (``sources.common.area_checks``): the row's buurt code is of no buurt of the
#: profile's division, nor mapped to one.
UNKNOWN_CODE_REASON = "area not in division"
#: What the reason of a CBS figure under an old code of a merged buurt says (``sources.cbs_kwb``): the code is mapped,
#: but a part's figure (a share, an average) cannot be added up into the buurt's.
MERGED_PART_REASON = "old code of a merged buurt"


def _refusal_advice(name: str, failures: pd.DataFrame, share: float, extra: pd.DataFrame | None = None) -> str:
    """What to do next about a refused batch: codes of another division are mapped, not fixed in the file (a source
    that can map only some of them says which: ``OTHER_DIVISION_ADVICE``); a download from a service (politie,
    cbs-kwb) cannot be fixed by hand at all.

    The checks' failures of rows a guard failed first (``extra``: personal data removed from a cell, a record cut
    over lines) follow from the guard's reason and count for it: a buurt code column holding e-mail addresses and
    citizen numbers, removed as personal data, was advised as "buurt codes of another CBS division" to map."""
    from pipelines.sources import NETWORK_SOURCES, SOURCES

    from pipelines.sources.common import SPLIT_REASON_START

    allow = f"--max-failed-share {math.ceil(share * 100) / 100:.2f}"       # the least share that lets it load
    if extra is not None and not extra.empty:
        guarded = extra.groupby("row_number")["expectation"].first()
        failures = failures[~failures["row_number"].isin(guarded.index)]
        if len(guarded) >= failures["row_number"].nunique():
            then = f"then load it again, or pass {allow} to load the other rows now" if share < 1 else "then load it again"
            if (guarded == "privacy_guard").sum() * 2 > len(guarded):
                return ("most of those rows hold personal data where a code, a category or a count belongs (removed, "
                        "never stored): ask the supplier for an export without names, contact details or citizen "
                        f"service numbers in its cells, {then}")
            return f"this looks like a wrong or damaged file (the reasons above): fix it, {then}"
    unknown = (failures["reason"].str.contains(UNKNOWN_CODE_REASON, regex=False)
               | failures["reason"].str.contains(MERGED_PART_REASON, regex=False))
    split = failures["reason"].str.extract(SPLIT_REASON_START)[0].dropna()
    if len(split) and (len(split) + unknown.sum()) * 2 > len(failures):
        # a split buurt's old code is of this division, not another one: a mapping would move its whole past onto
        # one part (red team 13a F2), so the refusal gives the rows' own next step
        codes = ", ".join(sorted(set(split)))
        return (f"most rows are under the old code of a buurt the profile split ({codes}), which "
                "buurtcode_wijzigingen.csv cannot map: do as those rows' reason says, or pass "
                f"{allow} to load the other rows now (those rows are quarantined with that reason)")
    others = (f", or pass {allow} to load the other rows now" if share < 1 else
              " (no row of the file would load now)")
    from pipelines.sources.rows import AREA_NOT_IN_DIVISION, FOREIGN_KINDS

    kinds = {kind: failures["reason"].str.contains(f"{AREA_NOT_IN_DIVISION}: buurtcode is {words}", regex=False)
             for kind, words in FOREIGN_KINDS.items()}
    if len(failures) and kinds["municipality"].sum() * 2 > len(failures):
        found = failures.loc[kinds["municipality"], "reason"].str.extract(r"of municipality (GM\d{4})")[0]
        return (f"most rows are buurten of another municipality ({', '.join(sorted(set(found))[:3])}) than the "
                "profile's: a file of another municipality belongs in its own working folder; if the municipality "
                "was merged into a new one, update the profile's division (or map each old code in "
                f"buurtcode_wijzigingen.csv), then load it again{others}")
    if len(failures) and (kinds["wijk"] | kinds["gemeente"]).sum() * 2 > len(failures):
        return ("most rows are under the code of a wijk or a municipality, not of a buurt: ask the supplier for the "
                f"counts per buurt (CBS buurtcode, BU followed by 8 characters), then load that file{others}")
    if len(failures) and unknown.sum() * 2 > len(failures):
        own = getattr(SOURCES.get(name), "OTHER_DIVISION_ADVICE", None)
        if own:
            return own.format(allow=allow)
        return ("most buurt codes are of another CBS division than the profile's: map each of those codes to "
                "its buurt of the profile in buurtcode_wijzigingen.csv (the home's reference folder) or update the "
                f"profile's division, then load it again{others}")
    if name in NETWORK_SOURCES:
        return ("a download from the service cannot be fixed by hand: check the service address and the archived "
                f"payload, then fetch it again, or pass {allow} to load the rows that pass now")
    return "this looks like a wrong or damaged file - fix it and load it again"


def _checked_columns(frame: pd.DataFrame, checks: list[Check]) -> pd.DataFrame:
    """``row_number`` and the columns the checks read (``column``, ``column_list``): GX is shown nothing else (a
    million report numbers no check reads cost seconds to make safe for the docs). All columns when a check reads
    columns another way."""
    used = {"row_number"}
    for check in checks:
        exp = check.expectation
        column, columns = getattr(exp, "column", None), getattr(exp, "column_list", None)
        if column is None and columns is None:
            return frame
        used.update([column] if column is not None else columns)
    return frame[[c for c in frame.columns if c in used]]


def run_suite(name: str, frame: pd.DataFrame, checks: list[Check], max_failed_share: float = 0.5,
              docs_root: Path | None = None, extra_failed: pd.DataFrame | None = None,
              rephrase: Callable[[pd.DataFrame], pd.DataFrame] | None = None, run_name: str | None = None) -> Verdict:
    """Validate ``frame`` (must have a unique ``row_number`` column) against ``checks``.

    With ``docs_root`` the validation runs through a checkpoint that updates the GX data docs
    there (made to open offline). ``extra_failed``: the failures (``row_number, expectation, reason``) of rows that
    already failed another guard (they count towards ``max_failed_share``, and a refusal names their reasons).
    ``run_name``: the name the data docs give the validation (the load id, so that a page is found by its load; GX
    named every page ``__none__``). ``rephrase``: the caller's reasons that know more than a check (a row under a split buurt's old code,
    ``ingest._split_reasons``), applied before a refusal so that it says what the rows would say (red team 13a F2).
    """
    import great_expectations as gx

    frame = safe_for_docs(_checked_columns(frame, checks), checks)
    if frame.empty:
        raise ValidationRefused("the file holds no data rows; check that you exported the right sheet or period")
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["row_number"]}
    with _lock:  # the GX context is not thread-safe
        ctx = _gx_context(docs_root)
        batch = _whole_batch(ctx, name)
        suite = gx.ExpectationSuite(name=name, expectations=[c.expectation for c in checks])
        if docs_root is None:
            # no data docs to update: the batch validates the suite without storing it, its definition or its
            # result in the context (a fifth of a validation's time; the in-memory result store only grew)
            with _configurations_kept():
                result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
                    suite, result_format=result_format)
        else:
            suite = ctx.suites.add_or_update(suite)
            vd = ctx.validation_definitions.add_or_update(gx.ValidationDefinition(name=name, data=batch, suite=suite))
            from great_expectations.checkpoint import UpdateDataDocsAction

            from pipelines.docs import make_offline, validation_pages

            cp = ctx.checkpoints.add_or_update(gx.Checkpoint(
                name=name, validation_definitions=[vd], result_format=result_format,
                actions=[UpdateDataDocsAction(name="data-docs", site_names=[SITE])]))
            done = validation_pages(docs_root)
            from great_expectations.core.run_identifier import RunIdentifier

            run = cp.run(batch_parameters={"dataframe": frame},
                         run_id=RunIdentifier(run_name=run_name) if run_name else None)
            result = next(iter(run.run_results.values()))
            make_offline(docs_root, done)
    failed: dict[int, tuple[str, list[str]]] = {}
    for check, res in zip(checks, result.results):
        if res.exception_info and res.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"validation of {name} could not run {res.expectation_config.type}: "
                f"{res.exception_info.get('exception_message')}"
            )
        for item in res.result.get("unexpected_index_list") or []:
            row = int(item["row_number"])
            exp, reasons = failed.setdefault(row, (res.expectation_config.type, []))
            reasons.append(check.reason)
    failures = pd.DataFrame(
        [(row, exp, "; ".join(reasons)) for row, (exp, reasons) in sorted(failed.items())],
        columns=["row_number", "expectation", "reason"],
    )
    if rephrase is not None:
        failures = rephrase(failures)
    extra = extra_failed if extra_failed is not None else pd.DataFrame(columns=["row_number", "expectation", "reason"])
    n_failed = len(set(failures["row_number"]) | set(extra["row_number"]))
    share = n_failed / len(frame)
    if share > max_failed_share:
        # the guards' reasons first (a record cut over lines explains the other checks' failures of its rows), one
        # line per kind with its first reason; then the checks' commonest reasons
        kinds = extra.groupby("expectation", sort=False).agg(n=("row_number", "nunique"), reason=("reason", "first"))
        shown = [f"{k.n} rows like: {k.reason}" for k in kinds.itertuples()]
        top = failures["reason"].value_counts().head(max(0, 3 - len(shown)))
        summary = "; ".join([*shown, *(f"{n} rows: {r}" for r, n in top.items())])
        raise ValidationRefused(
            f"{n_failed} of {len(frame)} rows ({share:.0%}) fail validation, more than the allowed "
            f"{max_failed_share:.0%} ({summary}); {_refusal_advice(name, failures, share, extra)}"
        )
    accepted = ~frame["row_number"].isin(failures["row_number"])
    return Verdict(accepted=accepted, failures=failures)
