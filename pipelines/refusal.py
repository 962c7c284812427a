"""A refusal: wijkradar declines what it was given in one sentence of its own that names the input, the problem
and the fix. A command shows the text of a refusal (exit code 2) and of no other ``ValueError``: one raised inside
pandas, NumPy or DuckDB is a fault of wijkradar's whose text can quote a delivery's cell, and goes to the fault
handler (``cli.unexpected_error``), which never shows it."""
from __future__ import annotations


class Refusal(ValueError):
    """Input wijkradar declines, in a sentence written for the person at the keyboard (never a library's text).

    A ``ValueError``, so code that catches those still does; the sources' and the profile's own refusals
    (``IngestError``, ``ReferenceError``, ...) are caught by the commands by name."""
