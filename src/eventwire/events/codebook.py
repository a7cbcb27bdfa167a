"""The CAMEO codebook (data/codebook.tsv): names, roots, Goldstein values, quad and penta classes,
PLOVER types. Written by us from the public facts; see data/codebook.md."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from eventwire.datafiles import data_path
from eventwire.errors import DataFileError

COLUMNS = ("code", "name", "root", "goldstein", "goldstein_icews", "quad", "pentaclass", "plover", "plover_mode")


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    root: str
    goldstein: float  # GDELT's value, the one eventwire reports
    goldstein_icews: float | None  # ICEWS's value where it differs (four codes)
    quad: int  # GDELT QuadClass: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    pentaclass: int  # ICEWS: 0 statement/appeal, 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    plover: str | None
    plover_mode: str | None


@cache
def codebook() -> dict[str, Code]:
    """Every CAMEO code, keyed by its code string ("041", "0311")."""
    path = data_path("codebook.tsv")
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror})") from None
    book: dict[str, Code] = {}
    for line, row in enumerate(rows, start=2):
        try:
            code = Code(
                code=row["code"], name=row["name"], root=row["root"], goldstein=float(row["goldstein"]),
                goldstein_icews=float(row["goldstein_icews"]) if row.get("goldstein_icews") else None,
                quad=int(row["quad"]), pentaclass=int(row["pentaclass"]),
                plover=row.get("plover") or None, plover_mode=row.get("plover_mode") or None,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise DataFileError(f"{path}:{line}: bad row ({exc})") from None
        if code.code in book or not code.code.startswith(code.root):
            raise DataFileError(f"{path}:{line}: duplicate code or wrong root: {code.code}")
        book[code.code] = code
    return book
