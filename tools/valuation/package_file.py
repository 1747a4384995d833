"""Read a transfer package file: CSV or JSON lines of ``case_id`` and ``claim`` (yuan)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tools.valuation.models import PackageLine

REQUIRED = ("case_id", "claim")
MAX_LINES = 200_000


class PackageFileError(ValueError):
    """The package file cannot be used; the message names the file and the problem."""


def _line(path: Path, number: int, row: dict[str, object]) -> PackageLine:
    case_id = str(row.get("case_id") or "").strip()
    raw = str(row.get("claim") if row.get("claim") is not None else "").strip()
    if not case_id:
        raise PackageFileError(f"{path}: line {number}: empty case_id")
    try:
        claim = Decimal(raw)
    except InvalidOperation:
        raise PackageFileError(f"{path}: line {number}: claim {raw!r} is not a number") from None
    if not claim.is_finite():
        raise PackageFileError(f"{path}: line {number}: claim {raw!r} is not a number")
    if claim < 0:
        raise PackageFileError(f"{path}: line {number}: negative claim {raw} for {case_id}")
    if claim != claim.quantize(Decimal("0.01")):
        raise PackageFileError(f"{path}: line {number}: claim {raw} has fractions of a fen")
    if len(case_id) > 16:
        raise PackageFileError(f"{path}: line {number}: case_id {case_id[:20]!r} is too long")
    return PackageLine(case_id=case_id, claim=claim)


def read_package(path: Path) -> list[PackageLine]:
    """The lines of a package file.

    CSV needs a header with at least ``case_id`` and ``claim``; JSON is a list of objects with those keys (or an
    object whose ``cases`` key holds that list).

    Args:
        path: A ``.csv`` or ``.json`` file.

    Returns:
        One line per case, in file order.

    Raises:
        PackageFileError: Unreadable, wrong type, missing columns, bad or negative claims, duplicates, empty.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PackageFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackageFileError(f"{path}: cannot read: {exc}") from None
    rows: list[dict[str, object]]
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise PackageFileError(
                f"{path}: missing columns: {', '.join(missing)} (found: {', '.join(header) or 'none'})"
            )
        rows = [{(k or "").strip(): v for k, v in r.items()} for r in reader]
    elif path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PackageFileError(f"{path}: not JSON: {exc.msg}") from None
        data = data.get("cases") if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise PackageFileError(f"{path}: JSON must be a list of objects (or {{'cases': [...]}})")
        for number, r in enumerate(data, 1):
            missing = [c for c in REQUIRED if c not in r]
            if missing:
                raise PackageFileError(f"{path}: line {number}: missing columns: {', '.join(missing)}")
        rows = data
    else:
        raise PackageFileError(f"{path}: a package file is .csv or .json")
    if not rows:
        raise PackageFileError(f"{path}: the package has no cases")
    if len(rows) > MAX_LINES:
        raise PackageFileError(f"{path}: {len(rows):,} cases; at most {MAX_LINES:,} per package")
    lines = [_line(path, n, r) for n, r in enumerate(rows, 1)]
    seen: set[str] = set()
    for line in lines:
        if line.case_id in seen:
            raise PackageFileError(f"{path}: case {line.case_id} appears twice")
        seen.add(line.case_id)
    return lines
