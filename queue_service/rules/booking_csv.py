"""Reading the council booking system's export: one appointment per CSV row, with the columns
`site,service,reference,scheduled_at,customer_name`. Pure: text in, rows or an error naming
the line out."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

COLUMNS = ("site", "service", "reference", "scheduled_at", "customer_name")
_REFERENCE = re.compile(r"[A-Za-z0-9]{1,16}")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,16}")
MAX_NAME = 120


class BookingCsvError(ValueError):
    """A row (or the header) that cannot be read; `line` is its line in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


@dataclass(frozen=True)
class BookingRow:
    """One booking as the file states it. `scheduled_at` without an offset is the site's
    local wall-clock time (how booking systems usually export)."""

    line: int
    site: str
    service: str
    reference: str
    scheduled_at: datetime
    customer_name: str | None


def parse(text: str) -> list[BookingRow]:
    """Every row of the file, or BookingCsvError for the first bad one."""
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise BookingCsvError(1, f"the header must be {','.join(COLUMNS)}")
    rows: list[BookingRow] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        row = _row(line, cells)
        if row.reference in seen:
            other = seen[row.reference]
            raise BookingCsvError(line, f"reference {row.reference} is also on line {other}")
        seen[row.reference] = line
        rows.append(row)
    return rows


def _row(line: int, cells: list[str]) -> BookingRow:
    if len(cells) != len(COLUMNS):
        raise BookingCsvError(line, f"expected {len(COLUMNS)} columns, found {len(cells)}")
    site, service, reference, scheduled, name = (cell.strip() for cell in cells)
    if not _CODE.fullmatch(site):
        raise BookingCsvError(line, f"site {site!r} is not a site code")
    if not _CODE.fullmatch(service):
        raise BookingCsvError(line, f"service {service!r} is not a service code")
    if not _REFERENCE.fullmatch(reference):
        raise BookingCsvError(line, f"reference {reference!r} must be 1 to 16 letters or digits")
    try:
        scheduled_at = datetime.fromisoformat(scheduled)
    except ValueError:
        raise BookingCsvError(line, f"scheduled_at {scheduled!r} is not an ISO 8601 time") from None
    if len(name) > MAX_NAME or "\x00" in name:
        raise BookingCsvError(line, f"customer_name must be at most {MAX_NAME} characters")
    return BookingRow(line, site, service, reference.upper(), scheduled_at, name or None)
