"""Reading a CSV file of people to invite: name, email, cell, role; one per line.

Every row is checked and its outcome previewed before anything is sent; running
the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from betterway.models import User
from cells.models import Cell, Membership, Role

COLUMNS = ["name", "email", "cell", "role"]
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000


class UnreadableFile(ValueError):
    """The file as a whole cannot be used; the message says why."""


@dataclass
class Row:
    line: int
    name: str
    email: str
    cell_name: str
    role: str
    cell: Cell | None = None
    error: str = ""
    outcome: str = ""


def read_rows(data: bytes) -> list[Row]:
    """Every row checked, with its outcome ("invite", "add existing account", …)."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"The file is larger than {MAX_BYTES // 1024} KB; split it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text: save it as “CSV UTF-8”.") from None
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        raise UnreadableFile(
            f"The first line must name the columns {', '.join(COLUMNS)}; "
            f"missing: {', '.join(missing)}."
        )
    rows: list[Row] = []
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(f"At most {MAX_ROWS} people per file; split it.")
        values = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        if not any(values.get(column) for column in COLUMNS):
            continue  # blank line
        rows.append(
            Row(
                number,
                values["name"],
                values["email"],
                values["cell"],
                values["role"].lower() or Role.MEMBER,
            )
        )
    if not rows:
        raise UnreadableFile("The file has no people in it, only the column names.")
    _check(rows)
    return rows


def _check(rows: list[Row]) -> None:
    cells = {c.slug: c for c in Cell.objects.all()} | {
        c.name.lower(): c for c in Cell.objects.all()
    }
    seen: set[tuple[str, int]] = set()
    for row in rows:
        try:
            validate_email(row.email)
        except ValidationError:
            row.error = f"“{row.email}” is not an e-mail address."
            continue
        row.cell = cells.get(row.cell_name) or cells.get(row.cell_name.lower())
        if row.cell is None:
            row.error = f"No cell called “{row.cell_name}”."
        elif row.role not in Role.values:
            row.error = f"Role must be {' or '.join(Role.values)}, not “{row.role}”."
        elif (row.email.lower(), row.cell.pk) in seen:
            row.error = "The same person and cell appear on an earlier line."
        else:
            seen.add((row.email.lower(), row.cell.pk))
            row.outcome = _outcome(row)


def _outcome(row: Row) -> str:
    user = User.objects.filter(email__iexact=row.email).first()
    if user is not None:
        member = Membership.objects.filter(user=user, cell=row.cell).exists()
        return "already a member" if member else "add existing account"
    assert row.cell is not None
    invited = row.cell.invitations.open().filter(email__iexact=row.email).exists()
    return "already invited" if invited else "invite"
