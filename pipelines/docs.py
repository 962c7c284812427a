"""Great Expectations data docs that open offline.

GX writes its data docs with stylesheets, scripts, fonts and a logo from CDNs. After every build
wijkradar rewrites each page to use the copies vendored in ``pipelines/docs_assets/`` (see its
LICENSES.md) and drops the remote logo, so a page opened from disk fetches nothing from the internet.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "docs_assets"

#: CDN address (prefix) -> vendored file name
VENDORED = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome-all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-prefers-dark.css",
}
_ASSET_ATTR = re.compile(r'(<(?:script|link|img)\b[^>]*?\b(?:src|href)=")(https?://[^"]+)(")', re.IGNORECASE)


def install_assets(docs_root: Path) -> None:
    vendor = docs_root / "static" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for f in ASSETS.glob("*.*"):
        if f.suffix in (".css", ".js") and not (vendor / f.name).exists():
            shutil.copy2(f, vendor / f.name)
    fonts = docs_root / "static" / "webfonts"
    if not fonts.exists():
        shutil.copytree(ASSETS / "webfonts", fonts)


def validation_pages(docs_root: Path) -> dict[Path, int]:
    """The validation pages of the site, one per load validated, with their modification times: a build adds its own
    and leaves the others as they were, so those made offline before need not be read again (:func:`make_offline`)."""
    return {page: page.stat().st_mtime_ns for page in (docs_root / "validations").rglob("*.html")}


def make_offline(docs_root: Path, done: dict[Path, int] | None = None) -> list[str]:
    """Rewrite every page to local assets; returns remote asset URLs that had no local copy (removed).

    ``done``: validation pages made offline before (:func:`validation_pages` before the build), not read again while
    unchanged since; every other page (the index and suite pages GX writes anew on each build, the build's own
    validation page, a page GX wrote again) is. Reading every page of every load ever on each load cost a home of
    three years of weekly loads 0.17 s a load."""
    install_assets(docs_root)
    unknown: list[str] = []
    for page in docs_root.rglob("*.html"):
        if done and done.get(page) == _mtime(page):
            continue
        _offline_page(page, docs_root, unknown)
    return sorted(set(unknown))


def _mtime(page: Path) -> int | None:
    try:
        return page.stat().st_mtime_ns
    except OSError:
        return None


def _offline_page(page: Path, docs_root: Path, unknown: list[str]) -> None:
    rel = os.path.relpath(docs_root / "static" / "vendor", page.parent)
    text = page.read_text(encoding="utf-8")

    def swap(m: re.Match) -> str:
        url = m.group(2)
        name = next((v for k, v in VENDORED.items() if url.split("?")[0] == k), None)
        if name is None:
            unknown.append(url)
            return m.group(1) + "data:," + m.group(3)   # nothing fetched (e.g. the S3 logo)
        return m.group(1) + f"{rel}/{name}" + m.group(3)

    new = _ASSET_ATTR.sub(swap, text)
    new = re.sub(r'\s(?:integrity|crossorigin)="[^"]*"', "", new)
    if new != text:
        page.write_text(new, encoding="utf-8")
