"""GX data docs are built beside the warehouse and fetch nothing from the internet."""
import re
from pathlib import Path

from pipelines import reference
from pipelines.docs import VENDORED
from pipelines.ingest import ingest_file
from pipelines.warehouse import connect
from tests.conftest import TODAY

CORPUS = Path(__file__).parent / "malformed"
ASSET = re.compile(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', re.IGNORECASE)


def test_data_docs_are_built_and_reference_only_local_assets(home):
    ref = reference.Reference()
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        loads = [ingest_file(con, CORPUS / "wijkteam_fractional.csv", "wijkteam", ref, home.archive, today=TODAY,
                             docs_root=home.docs),
                 ingest_file(con, CORPUS / "meldingen_unknown_area.csv", "meldingen", ref, home.archive, today=TODAY,
                             docs_root=home.docs)]
    pages = list(home.docs.rglob("*.html"))
    assert (home.docs / "index.html").exists()
    # each load's page is found by its load id (GX named every page's run __none__), in the index too
    assert sorted(p.parts[-3] for p in pages if "validations" in p.parts) == sorted(ld.load_id for ld in loads)
    index = (home.docs / "index.html").read_text(encoding="utf-8")
    assert all(ld.load_id in index for ld in loads)
    for page in pages:
        for target in ASSET.findall(page.read_text(encoding="utf-8")):
            assert not target.startswith(("http://", "https://", "//")), f"{page.name} fetches {target}"
            if "static/vendor/" in target:
                assert (page.parent / target).resolve().exists(), f"{page.name}: {target} is missing"
    assert len(list((home.docs / "static" / "vendor").glob("*"))) == len(set(VENDORED.values()))
    assert list((home.docs / "static" / "webfonts").glob("fa-solid-900.woff2"))


def test_a_load_makes_only_the_pages_its_build_wrote_offline_not_every_earlier_load_s(home, monkeypatch):
    """A weekly home validates a load a week: reading the page of every earlier load on each load grew without end."""
    from tests.conftest import write_csv

    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    ref = reference.Reference()
    read: list[Path] = []
    own = Path.read_text

    def read_text(self, *args, **kwargs):
        if self.suffix == ".html" and home.docs in self.parents:
            read.append(self)
        return own(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        for day in range(1, 5):
            path = write_csv(home.inbox / f"meldingen_{day}.csv", header,
                             [[f"M-{day}-{i}", f"{day:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"]
                              for i in range(5)])
            read.clear()
            ingest_file(con, path, "meldingen", ref, home.archive, today=TODAY, docs_root=home.docs)
    validation = [p for p in home.docs.rglob("*.html") if "validations" in p.parts]
    assert len(validation) == 4
    newest = max(validation, key=lambda p: p.parent.name)
    # the index, the suite's page and the load's own validation page; none of the three earlier loads' pages
    assert sorted(p.relative_to(home.docs).as_posix() for p in read) == sorted(
        ["index.html", "expectations/meldingen.html", newest.relative_to(home.docs).as_posix()])
    for page in home.docs.rglob("*.html"):
        assert "https://" not in " ".join(ASSET.findall(page.read_text(encoding="utf-8"))), page


def test_a_working_folder_copied_elsewhere_writes_its_data_docs_in_its_own_folder_not_the_first_one_s(tmp_path):
    """GX keeps the docs folder in gx/great_expectations.yml as the path it had when the home was made: a copy (a
    restored backup, a home moved to another disk) wrote its pages into the first home's docs/, and its index build
    there removed the first home's pages of loads the copy does not hold."""
    import shutil

    from pipelines import validate
    from pipelines.paths import resolve_home
    from tests.conftest import migrated, write_csv

    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    ref = reference.Reference()

    def load(home, day: int) -> None:
        path = write_csv(tmp_path / f"meldingen_{day}.csv", header,
                         [[f"M-{day}-{i}", f"{day:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(5)])
        with connect(home.warehouse) as con:
            reference.sync(con, ref)
            ingest_file(con, path, "meldingen", ref, home.archive, today=TODAY, docs_root=home.docs)

    first = migrated(resolve_home(tmp_path / "first"))
    load(first, 1)
    load(first, 2)
    copy = resolve_home(shutil.copytree(first.root, tmp_path / "copy"))
    validate._contexts.clear()                      # another process: the copy is opened on its own
    load(copy, 3)

    def pages(home):
        return sorted(p.parent.name for p in (home.docs / "validations").rglob("*.html"))

    assert len(pages(first)) == 2 and len(pages(copy)) == 3
    assert set(pages(first)) < set(pages(copy))


def test_the_index_reads_no_earlier_validation_result_through_gx_and_lists_what_gx_s_own_index_lists(home, monkeypatch):
    """GX's index builder deserialised every validation result ever stored on each load (0.6 s a load after three
    years of weekly loads); wijkradar's reads what the index shows from the stored JSON, to the same index."""
    from great_expectations.data_context.store.validation_results_store import ValidationResultsStore
    from great_expectations.render.renderer.site_builder import DefaultSiteIndexBuilder

    from pipelines import validate
    from tests.conftest import write_csv

    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    ref = reference.Reference()
    read: list[int] = []
    own = ValidationResultsStore.deserialize
    monkeypatch.setattr(ValidationResultsStore, "deserialize", lambda self, value: (read.append(1), own(self, value))[1])
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        for day in range(1, 5):
            rows = [[f"M-{day}-{i}", f"{day:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(5)]
            if day == 2:                     # one load with a quarantined row: its validation did not pass
                rows.append(["M-2-x", "02-10-2026", "Afval", "Zwerfafval", "BU99999999"])
            read.clear()
            ingest_file(con, write_csv(home.inbox / f"meldingen_{day}.csv", header, rows), "meldingen", ref,
                        home.archive, today=TODAY, docs_root=home.docs)
    assert len(read) == 1, "only the load's own result, for its page"
    from pipelines.docs_index import StoredResultsIndexBuilder

    ctx = validate._gx_context(home.docs)
    site = ctx.list_data_docs_sites()[validate.SITE]
    builder = ctx._init_site_builder_for_data_docs_site_creation(validate.SITE, site).site_index_builder
    assert isinstance(builder, StoredResultsIndexBuilder)
    keys = builder._build_validation_and_profiling_result_site_keys(skip_and_clean_missing=False)
    ours, gx_own = {}, {}
    builder._add_validations_to_index_links(ours, keys)
    DefaultSiteIndexBuilder._add_validations_to_index_links(builder, gx_own, keys)
    assert len(ours["validations_links"]) == 4 and ours == gx_own
    assert sorted(link["validation_success"] for link in ours["validations_links"]) == [False, True, True, True]
