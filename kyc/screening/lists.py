"""The OFAC SDN files read into sanctions entries: names, aliases, programs, and the dates of
birth and countries the remarks give.

Reading only: loading a version into the database, audited, is ``sanctions_list_load`` in
``kyc.services.screening``. A malformed file raises ``SanctionsFileInvalid``.
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.db import connection

from kyc.errors import SanctionsFileInvalid
from kyc.models import SanctionsEntry, SanctionsList
from kyc.screening.names import name_normalize

_NULL = "-0-"
# OFAC spellings that ISO 3166 (and so pycountry) names differently.
_OFAC_COUNTRY_NAMES = {
    "burma": "MM",
    "korea, north": "KP",
    "korea, south": "KR",
    "north korea": "KP",
    "russia": "RU",
    "the bahamas": "BS",
    "the gambia": "GM",
    "west bank": "PS",
    "gaza": "PS",
    "kosovo": "XK",
    "turkey": "TR",
    "cote d ivoire": "CI",
    "congo, democratic republic of the": "CD",
}
_MONTHS = {
    month: number
    for number, month in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_DOB = re.compile(r"\bDOB (?:circa )?(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})")
_COUNTRY = re.compile(r"\b(?:nationality|citizen) ([^;.]+)")
_BIRTH_PLACE = re.compile(r"\bPOB ([^;]+)")


@dataclass(frozen=True)
class SanctionsFiles:
    """An SDN file and its aliases, read: where they came from, their checksum, and each
    entry's fields (``SanctionsEntry``'s, but for the list version), by entry number."""

    source: str
    checksum: str
    entries: dict[int, dict]


def sanctions_files_read(*, sdn_path: Path, alt_path: Path | None = None) -> SanctionsFiles:
    """Read an SDN file and, if given, its aliases file. Refuses (``SanctionsFileInvalid``) a
    row that is not an SDN row, an alias of an entry the SDN file lacks, and a file of no
    entries."""
    sdn_bytes = sdn_path.read_bytes()
    alt_bytes = alt_path.read_bytes() if alt_path else b""
    entries = _entries_parse(_decode(sdn_bytes), _decode(alt_bytes))
    if not entries:
        raise SanctionsFileInvalid("The sdn file lists no entries.")
    for entry in entries.values():
        entry["normalized_names"] = [name_normalize(name) for name in [entry["name"], *entry["aliases"]]]
    return SanctionsFiles(
        source=sdn_path.name + (f" + {alt_path.name}" if alt_path else ""),
        checksum=hashlib.sha256(sdn_bytes + b"\0" + alt_bytes).hexdigest(),
        entries=entries,
    )


def _field(value: str) -> str:
    value = value.strip()
    return "" if value == _NULL else value


def _dates_of_birth(remarks: str) -> list[str]:
    dates = []
    for day, month, year in _DOB.findall(remarks):
        month_number = _MONTHS.get(month.lower()) if month else None
        if day and month_number:
            dates.append(f"{year}-{month_number:02d}-{int(day):02d}")
        elif month_number:
            dates.append(f"{year}-{month_number:02d}")
        else:
            dates.append(year)
    return list(dict.fromkeys(dates))


def _country_code(name: str) -> str | None:
    name = name.strip().rstrip(")")
    known = _OFAC_COUNTRY_NAMES.get(name.lower().replace("'", " "))
    if known:
        return known
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def _countries(remarks: str) -> list[str]:
    names = [match.strip() for match in _COUNTRY.findall(remarks)]
    names += [place.rsplit(",", 1)[-1] for place in _BIRTH_PLACE.findall(remarks)]
    codes = (_country_code(name) for name in names)
    return list(dict.fromkeys(code for code in codes if code))


def _entry_type(sdn_type: str) -> str:
    sdn_type = _field(sdn_type).lower()
    if sdn_type in SanctionsEntry.EntryType.values:
        return sdn_type
    return SanctionsEntry.EntryType.ENTITY


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # OFAC's own downloads are Windows-1252.
        return data.decode("cp1252", errors="replace")


def _rows(text: str, *, columns: int, file_label: str) -> Iterable[tuple[int, list[str]]]:
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        # OFAC's files end with a lone DOS end-of-file character (\x1a).
        if not row or all(not cell.strip(" \x1a") for cell in row):
            continue
        if len(row) < columns or not row[0].strip().isdigit():
            raise SanctionsFileInvalid(
                f"{file_label} line {line_number} is not an SDN row of {columns} fields "
                "starting with an entry number."
            )
        yield line_number, row


def _entries_parse(sdn_text: str, alt_text: str) -> dict[int, dict]:
    entries: dict[int, dict] = {}
    for _, row in _rows(sdn_text, columns=12, file_label="sdn"):
        uid = int(row[0])
        remarks = _field(row[11])
        programs = [p.strip(" []") for p in _field(row[3]).split("] [") if p.strip(" []")]
        entries[uid] = {
            "uid": uid,
            "name": _field(row[1]),
            "aliases": [],
            "entry_type": _entry_type(row[2]),
            "programs": programs,
            "dates_of_birth": _dates_of_birth(remarks),
            "countries": _countries(remarks),
            "remarks": remarks,
        }
    for line_number, row in _rows(alt_text, columns=4, file_label="alt"):
        entry = entries.get(int(row[0]))
        if entry is None:
            raise SanctionsFileInvalid(f"alt line {line_number} names entry {row[0]}, which sdn lacks.")
        alias = _field(row[3])
        if alias and alias not in entry["aliases"]:
            entry["aliases"].append(alias)
    return entries


def sanctions_list_version() -> tuple[int, str] | None:
    """The newest sanctions list's (pk, checksum), or None. Read on every screening, so in
    plain SQL: the ORM took longer to build the statement than the database to answer it."""
    table = connection.ops.quote_name(SanctionsList._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, checksum FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])
