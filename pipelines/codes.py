"""The shapes of CBS area codes, one definition for every reader, message and check.

A buurt code is ``BU``, the municipality's four digits, and four digits or letters (wijk and buurt); a wijk code
``WK`` with four and two; a municipality ``GM`` and four digits. Seventeen municipalities' numbers start with two
zeros (GM0096 Vlieland, GM0014 Groningen), and Amsterdam's codes hold letters (``BU0363TA05``, ``WK0363SE``).
"""
from __future__ import annotations

#: A buurt code without its ``BU``: what a spreadsheet or a supplier writes when it drops the prefix.
BUURT_TAIL = r"\d{4}[0-9A-Z]{4}"
#: Any CBS area code (upper case).
AREA_CODE = r"(?:BU" + BUURT_TAIL + r"|WK\d{4}[0-9A-Z]{2}|GM\d{4})"
