"""Reports as CSV: exactly the rows of the JSON answer, under the same column names."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV with a header; an absent value is an empty cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def text_table(body: dict[str, Any]) -> str:
    """A report for the terminal: the summary with one line per measure and one column per
    site, the other reports as aligned columns; the standards report adds its sentences."""
    columns, rows = list(body["columns"]), body["rows"]
    period = body.get("period") or f"{body['from']} to {body['to']}"
    lines = [f"{body['report']} {period}"]
    if body["report"] == "summary":
        grid = [[c] + [_cell(r[c]) for r in rows] for c in columns]
    else:
        grid = [columns] + [[_cell(r[c]) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in grid) for i in range(len(grid[0]))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
              for line in grid]  # fmt: skip
    for aim in body.get("aims", []):
        lines += ["", f"Our aim: {aim['our_aim']}", f"What we achieved: {aim['achieved']}"]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)
