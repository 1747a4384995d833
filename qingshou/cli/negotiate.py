"""``qingshou negotiate`` (one debtor turn on a thread) and ``qingshou approvals`` (supervisor decisions)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from agents.negotiation.entry import TurnRequest, TurnResult, run_turn_sqlite
from core.deps import Deps
from core.repository import CaseNotFoundError
from core.settings import Role
from qingshou.cli.common import deps, fail, print_json
from tools.negotiation.approvals import ApprovalError, ApprovalStatus, Decision, NegotiationStore
from tools.negotiation.promises import PromiseStore

approvals_app = typer.Typer(help="Offers beyond authority waiting for a supervisor (审批).", no_args_is_help=True)
promises_app = typer.Typer(help="Promises to pay (还款承诺): list and settle against repayments.", no_args_is_help=True)

ApiKey = Annotated[
    str | None, typer.Option("--api-key", envvar="QINGSHOU_API_KEY", help="Your API key; it decides your role")
]


def _role(d: Deps, api_key: str | None, *, default: Role | None) -> Role:
    if not api_key:
        if default is None:
            fail("this needs a supervisor's --api-key (or QINGSHOU_API_KEY)")
        return default
    role = d.api_key_roles().get(api_key)
    if role is None:
        fail("unknown API key")
    return role


async def _turn(d: Deps, request: TurnRequest, thread_id: str, role: Role) -> TurnResult:
    try:
        return await run_turn_sqlite(
            d, d.settings.checkpoint_file, request, thread_id=thread_id, role=role, actor=f"cli:{role}"
        )
    finally:
        await d.aclose()


def negotiate(
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. C000123")],
    message: Annotated[str, typer.Option("--message", "-m", help="The debtor's message")],
    channel: Annotated[str, typer.Option(help="Reply channel: sms, wechat, app or call")] = "sms",
    document: Annotated[list[Path] | None, typer.Option(help="A text file the debtor uploaded (repeatable)")] = None,
    thread: Annotated[str | None, typer.Option(help="Thread to continue; a new one by default")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON")] = False,
    api_key: ApiKey = None,
) -> None:
    """Negotiate one debtor turn: read the debtor, offer inside the authority matrix, draft the reply, hand off."""
    d = deps()
    role = _role(d, api_key, default="collector")
    documents = []
    for path in document or []:
        try:
            documents.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read {path}: {exc}")
    try:
        request = TurnRequest(case_id=case_id, message=message, channel=channel, documents=documents,
                              thread_id=thread)  # fmt: skip
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    if not d.cases.exists(case_id):
        fail(f"unknown case: {case_id}")
    try:
        result = asyncio.run(_turn(d, request, thread or f"t-{uuid.uuid4().hex}", role))
    except (CaseNotFoundError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    draft = result.draft
    typer.echo(f"thread: {result.thread_id}")
    typer.echo(f"reading: {result.reading.model_dump(mode='json') if result.reading else None}")
    typer.echo(f"draft ({'sendable' if draft and draft.sendable else 'withheld'}): "
               f"{draft.text if draft and draft.text else (draft.withheld_reason if draft else '-')}")  # fmt: skip
    if result.handoff:
        typer.echo(f"handed off: {', '.join(result.handoff.reasons)}")


@approvals_app.command("list")
def list_approvals(
    status: Annotated[str | None, typer.Option(help="pending, approved or rejected")] = "pending",
    case: Annotated[str | None, typer.Option(help="Only this case")] = None,
) -> None:
    """List approval requests as JSON."""
    statuses: dict[str | None, ApprovalStatus | None] = {
        None: None, "pending": "pending", "approved": "approved", "rejected": "rejected"
    }  # fmt: skip
    if status not in statuses:
        fail("status must be pending, approved or rejected")
    d = deps()
    records = NegotiationStore(d.sessions).approvals(status=statuses[status], case_id=case)
    print_json([r.model_dump(mode="json") for r in records])


def _decide(approval_id: int, approve: bool, note: str, api_key: str | None) -> None:
    d = deps()
    role = _role(d, api_key, default=None)
    if role != "supervisor":
        fail(f"role {role!r} may not decide approvals; supervisors only")
    try:
        record = NegotiationStore(d.sessions).decide(
            approval_id, Decision(approve=approve, note=note), decided_by=f"cli:{role}"
        )
    except ApprovalError as exc:
        fail(str(exc))
    print_json(record.model_dump(mode="json"))


@approvals_app.command("approve")
def approve(
    approval_id: Annotated[int, typer.Argument(help="Approval id")],
    note: Annotated[str, typer.Option(help="Why, for the audit trail")] = "",
    api_key: ApiKey = None,
) -> None:
    """Approve an offer beyond authority (supervisor API key required)."""
    _decide(approval_id, True, note, api_key)


@approvals_app.command("reject")
def reject(
    approval_id: Annotated[int, typer.Argument(help="Approval id")],
    note: Annotated[str, typer.Option(help="Why, for the audit trail")] = "",
    api_key: ApiKey = None,
) -> None:
    """Reject an offer beyond authority (supervisor API key required)."""
    _decide(approval_id, False, note, api_key)


@promises_app.command("list")
def list_promises(case_id: Annotated[str, typer.Argument(help="Case id")]) -> None:
    """Print a case's promises to pay as JSON."""
    d = deps()
    if not d.cases.exists(case_id):
        fail(f"unknown case: {case_id}")
    print_json([p.model_dump(mode="json") for p in PromiseStore(d.sessions).for_case(case_id)])


@promises_app.command("evaluate")
def evaluate_promises(
    case_id: Annotated[str, typer.Argument(help="Case id")],
    today: Annotated[str | None, typer.Option(help="Evaluate as of this date (YYYY-MM-DD); today by default")] = None,
) -> None:
    """Mark pending promises kept or broken against the repayments; print the ones that changed."""
    d = deps()
    if not d.cases.exists(case_id):
        fail(f"unknown case: {case_id}")
    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        fail(f"not a date: {today}")
    changed = PromiseStore(d.sessions).evaluate(case_id, day, actor="cli")
    print_json([p.model_dump(mode="json") for p in changed])


def register(app: typer.Typer) -> None:
    """Add ``negotiate`` and the ``approvals`` and ``promises`` groups."""
    app.command("negotiate")(negotiate)
    app.add_typer(approvals_app, name="approvals")
    app.add_typer(promises_app, name="promises")
