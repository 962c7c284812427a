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
        ingest_file(con, CORPUS / "wijkteam_fractional.csv", "wijkteam", ref, home.archive, today=TODAY,
                    docs_root=home.docs)
        ingest_file(con, CORPUS / "meldingen_unknown_area.csv", "meldingen", ref, home.archive, today=TODAY,
                    docs_root=home.docs)
    pages = list(home.docs.rglob("*.html"))
    assert (home.docs / "index.html").exists()
    assert len([p for p in pages if "validations" in p.parts]) == 2
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
