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
