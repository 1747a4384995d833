"""``qingshou redact [FILE|-] --json``: redact personal data from a file or standard input."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from core.privacy import KnownPII, RedactionError, get_guard
from core.privacy.api import MAX_TEXT_CHARS
from qingshou.cli.common import deps, fail, print_json


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"no such file: {source}")
        data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{source}: not UTF-8 text")
    if len(text) > MAX_TEXT_CHARS:
        fail(f"{source}: longer than {MAX_TEXT_CHARS} characters; split it")
    return text


def register(app: typer.Typer) -> None:
    """Add the ``redact`` command."""

    @app.command("redact")
    def redact(
        source: Annotated[str, typer.Argument(metavar="[FILE|-]", help="File to redact; '-' reads stdin.")] = "-",
        as_json: Annotated[bool, typer.Option("--json", help='Print {"text", "entities"} as JSON.')] = False,
        mode: Annotated[str, typer.Option(help="pseudonym (<PERSON_1>) or mask (138****5678).")] = "pseudonym",
        case: Annotated[str | None, typer.Option(help="Also redact this case's own identities.")] = None,
    ) -> None:
        """Redact personal data (IDs, phones, cards, e-mails, names, addresses) from a text."""
        if mode not in ("pseudonym", "mask"):
            fail(f"--mode must be pseudonym or mask, not {mode!r}")
        text = _read(source)
        known = None
        if case:
            app_deps = deps()
            try:
                if not app_deps.cases.exists(case):
                    fail(f"unknown case: {case}")
                known = KnownPII.from_case(app_deps.cases.get_case(case))
            finally:
                app_deps.close()
        chosen: Literal["pseudonym", "mask"] = "mask" if mode == "mask" else "pseudonym"
        try:
            result = get_guard().redact(text, known=known, mode=chosen)
        except RedactionError as exc:
            fail(str(exc))
        if as_json:
            print_json(result.model_dump(mode="json", by_alias=True))
        else:
            typer.echo(result.text, nl=not result.text.endswith("\n"))
