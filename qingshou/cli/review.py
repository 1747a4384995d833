"""``qingshou review FILE --json`` and ``qingshou compliance report|seed``: compliance review from the shell."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from agents.compliance.service import invoke, report, seed_synthetic
from core.deps import Deps
from core.repository import CaseNotFoundError
from qingshou.cli.common import deps, fail, print_json
from tools.compliance.models import ReviewChannel, ReviewResult
from tools.compliance.parse import MAX_INPUT_CHARS, TranscriptError, parse_transcript
from tools.compliance.report_html import render_html
from tools.compliance.review import UnknownJurisdictionError

compliance_app = typer.Typer(help="Compliance reports (合规质检报告) over stored reviews.", no_args_is_help=True)
CHANNELS = ("call", "sms", "wechat", "app")


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_CHARS * 4 + 1)
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"no such file: {source}")
        data = path.read_bytes()[: MAX_INPUT_CHARS * 4 + 1]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{source}: not UTF-8 text (or longer than {MAX_INPUT_CHARS} characters)")


def _print_text(result: ReviewResult) -> None:
    typer.echo(
        f"verdict: {result.verdict}  semantic layer: {result.semantic_layer.status} {result.semantic_layer.reason}"
    )
    for f in result.findings:
        typer.echo(
            f"  turn {f.turn} [{f.category.value}/{f.severity.value}] {f.rule_id}: {f.quote}  ({f.citation.rule})"
        )
    for note in result.notes:
        typer.echo(f"  note: {note}")


async def _invoke(d: Deps, text: str, channel: ReviewChannel, case_id: str | None, jurisdiction: str, save: bool,
                  team: str | None) -> tuple[ReviewResult, str | None]:  # fmt: skip
    try:
        transcript = parse_transcript(text, channel=channel, case_id=case_id)
        if team:
            transcript = transcript.model_copy(update={"team": team})
        return await invoke(d, transcript, jurisdiction=jurisdiction, save=save, source="cli")
    finally:
        await d.aclose()


def register(app: typer.Typer) -> None:
    """Add ``review`` and the ``compliance`` group."""

    @app.command("review")
    def review_command(
        source: Annotated[
            str, typer.Argument(metavar="FILE|-", help="JSON transcript or 坐席：/客户： lines; '-' is stdin")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
        channel: Annotated[str, typer.Option(help="Channel of plain-text input: call, sms, wechat, app.")] = "call",
        case: Annotated[
            str | None, typer.Option("--case", help="Case id (debtor's time zone and own numbers).")
        ] = None,
        jurisdiction: Annotated[str, typer.Option(help="CN (default) or US.")] = "CN",
        save: Annotated[bool, typer.Option("--save", help="Store the review (masked) for reports.")] = False,
        team: Annotated[str | None, typer.Option(help="Team, stored with --save.")] = None,
    ) -> None:
        """Review a call transcript or message for violations (rules first, then the model when configured)."""
        if channel not in CHANNELS:
            fail(f"--channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
        text = _read(source)
        d = deps()
        try:
            result, review_id = asyncio.run(_invoke(d, text, channel, case, jurisdiction, save, team))  # type: ignore[arg-type]
        except (TranscriptError, UnknownJurisdictionError, ValueError) as exc:
            fail(str(exc))
        except CaseNotFoundError as exc:
            fail(f"unknown case: {exc}")
        if as_json:
            payload = result.model_dump(mode="json")
            if review_id:
                payload["review_id"] = review_id
            print_json(payload)
        else:
            _print_text(result)

    @compliance_app.command("report")
    def report_command(
        start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
        end: Annotated[str, typer.Option("--to", help="Last day included, YYYY-MM-DD.")],
        team: Annotated[str | None, typer.Option(help="Team; every team when omitted.")] = None,
        html: Annotated[Path | None, typer.Option("--html", help="Also write the HTML report here.")] = None,
    ) -> None:
        """Violations per team and period, by category and rule, with masked examples (JSON on stdout)."""
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError as exc:
            fail(f"dates must be YYYY-MM-DD: {exc}")
        d = deps()
        try:
            result = report(d, team=team, start=first, end=last)
        except ValueError as exc:
            fail(str(exc))
        finally:
            d.close()
        if html is not None:
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(render_html(result), encoding="utf-8")
        print_json(result.model_dump(mode="json"))

    @compliance_app.command("seed")
    def seed_command(
        n: Annotated[int, typer.Option("--n", min=1, max=20_000, help="How many conversations.")] = 200,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 2026,
    ) -> None:
        """Store rule-layer reviews of synthetic conversations (March 2026, four teams) so reports have data."""
        d = deps()
        try:
            stored = seed_synthetic(d, n=n, seed=seed)
        finally:
            d.close()
        print_json({"stored": stored, "period": "2026-03-02..2026-03-29"})

    app.add_typer(compliance_app, name="compliance")
