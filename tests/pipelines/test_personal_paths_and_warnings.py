"""Personal values that reached messages, stderr and Prefect's database past the scrubbers (red team 10a F3-F6): a
dropped header naming its person, a library's warning quoting a cell, a login folder in a path, a working folder
named after its owner."""
import logging
from pathlib import Path

import pandas as pd

from pipelines.sources import common

DROPPED = ["Tel. Jansen", "E-mail Kloosterboer", "BSN Dijkhuizen"]


# --- F4: the warning about dropped personal columns ---------------------------------------------------------------

def test_a_dropped_personal_header_is_shown_by_the_allow_list_of_labels_never_with_its_surname(caplog):
    frame = pd.DataFrame({"row_number": [2], "Buurtcode": ["BU01185000"], **{h: [""] for h in DROPPED},
                          "Tel.nr.": [""], "Naam melder": [""]})
    with caplog.at_level(logging.WARNING, logger="wijkradar.ingest"):
        kept = common.refuse_personal_columns(frame, Path("meldingen_2026-W48.csv"))
    assert list(kept.columns) == ["row_number", "Buurtcode"]
    assert "Jansen" not in caplog.text and "Kloosterboer" not in caplog.text and "Dijkhuizen" not in caplog.text
    # the kind of each column stays readable, so the supplier knows what to leave out
    assert ("['Tel. [verwijderd]', 'E-mail [verwijderd]', 'BSN [verwijderd]', 'Tel.nr.', 'Naam melder']"
            in caplog.text), caplog.text
