"""Files written whole or not at all: into ``<name>.part`` beside the file, then renamed over it.

A process killed while writing leaves at most a ``.part`` file, never a half file (an empty workbook, a cut-off
page) under the name a reader opens; a rename within one folder is atomic. A failed write removes its part.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield the temporary path to write; when the block ends it replaces ``path`` (an error: it is removed)."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    try:
        yield part
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """``text`` into ``path``, whole or not at all."""
    with replacing(path) as part:
        part.write_text(text, encoding=encoding)
