"""The stored outbox: ``reminders --store``, then the SMS platform pulls due reminders and acknowledges them."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from typer.testing import CliRunner

from agents.case_workflow import outbox as outbox_batch
from agents.case_workflow.outbox import OutboxLine, reminder_lines, store_ready
from core import clock
from core.db.outbox import OutboxMessageRow, OutboxStore, ReadyReminder
from core.db.schema import CaseAudit
from core.deps import Deps, build_deps
from qingshou.cli import app
from tests.conftest import API_KEYS, make_settings, split_tenants

BATCH_TIME = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)
"""09:00 in Beijing, two days after the portfolio's as_of: the batch plans today's reminders at 18:00 local."""
DUE = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
"""18:00 in Beijing: the batch's reminders are due."""
NIGHT = dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)
"""22:00 in Beijing: the send day's allowed hours are over."""
BATCH_CASES = 60
BEIJING = dt.timezone(dt.timedelta(hours=8))
SYSTEM_A = "bank-a-system-key-0000001"
SUPERVISOR_B = "bank-b-supervisor-key-0001"
MISSING = "om-00000000000000000000000000000000"


class Clock:
    """The wall clock the routes read, moved by the tests."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(BATCH_TIME)
    monkeypatch.setattr(clock, "utc_now", c)
    return c


@pytest.fixture(scope="module")
def batch(portfolio_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[OutboxLine]:
    """The reminder batch of the first automated cases at BATCH_TIME, computed once (on a copy of the portfolio)."""
    var_dir = tmp_path_factory.mktemp("outbox-batch")
    for item in portfolio_dir.iterdir():
        if item.is_file() and not item.name.endswith(("-wal", "-shm")):
            shutil.copy2(item, var_dir / item.name)
    deps = build_deps(make_settings(var_dir))

    async def run() -> list[OutboxLine]:
        try:
            return [x async for x in reminder_lines(deps, now=BATCH_TIME, limit=BATCH_CASES)]
        finally:
            await deps.aclose()

    return asyncio.run(run())


@pytest.fixture
def odeps(var_dir: Path) -> Iterator[Deps]:
    """Cases up to C000150 are bank-a's, the rest bank-b's; platform keys plus bound bank-a and bank-b keys."""
    keys = [f"{key}:{role}" for role, key in API_KEYS.items()]
    keys += [f"{SYSTEM_A}:system@bank-a", f"{SUPERVISOR_B}:supervisor@bank-b"]
    deps = build_deps(make_settings(var_dir, api_keys=",".join(keys)))
    split_tenants(deps)
    yield deps
    deps.close()


@pytest.fixture
def oc(odeps: Deps, wall: Clock) -> Iterator[TestClient]:
    from server.app import create_app

    with TestClient(create_app(deps=odeps)) as c:
        yield c


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


SYSTEM = key(API_KEYS["system"])


def ready(lines: list[OutboxLine]) -> list[OutboxLine]:
    return [x for x in lines if x.status == "ready"]


def tenant_of(case_id: str) -> str:
    return "bank-a" if case_id <= "C000150" else "bank-b"


def pull(c: TestClient, headers: dict[str, str] = SYSTEM, **params: object) -> httpx.Response:
    return c.get("/v1/outbox", params={"limit": 1000, **params}, headers=headers)


def stored_ids(deps: Deps) -> dict[str, str]:
    """Case id to stored message id."""
    with deps.sessions() as session:
        return {r.case_id: r.id for r in session.scalars(select(OutboxMessageRow))}


def audit_actions(deps: Deps, case_id: str) -> list[str]:
    with deps.sessions() as session:
        rows = session.scalars(select(CaseAudit).where(CaseAudit.case_id == case_id).order_by(CaseAudit.id))
        return [r.action for r in rows]


# ---- storing -------------------------------------------------------------------------------------------------------


def test_store_keeps_the_ready_lines_of_a_batch_encrypted(odeps: Deps, batch: list[OutboxLine]) -> None:
    lines = ready(batch)
    assert len(lines) >= 30 and {tenant_of(x.case_id) for x in lines} == {"bank-a", "bank-b"}
    result = store_ready(odeps, batch, now=BATCH_TIME)
    assert (result.stored, result.skipped) == (len(lines), 0) and result.batch_id.startswith("ob-")
    with odeps.sessions() as session:
        rows = {r.case_id: r for r in session.scalars(select(OutboxMessageRow))}
    assert set(rows) == {x.case_id for x in lines}
    for x in lines:
        row = rows[x.case_id]
        assert (
            row.id.startswith("om-") and len(row.id) == 35 and row.status == "ready" and row.batch_id == result.batch_id
        )
        assert row.script == x.script and row.channel == x.channel and row.send_day == x.send_at.date()  # type: ignore[union-attr]
        assert x.text and x.text.encode() not in row.text_enc and x.text[:8].encode() not in row.text_enc
        assert odeps.cipher.decrypt(row.text_enc, "outbox_messages.text_enc") == x.text
        assert audit_actions(odeps, x.case_id)[-1] == "reminder_stored"
    # Nowhere in the database files either (the text holds the debtor's surname and title).
    odeps.engine.dispose()
    raw = b"".join(p.read_bytes() for p in Path(odeps.settings.var_dir).iterdir() if p.is_file())
    assert not any(x.text and x.text.encode() in raw for x in lines)


def test_lines_that_are_not_ready_are_never_stored(odeps: Deps, batch: list[OutboxLine]) -> None:
    spoiled = [x.model_copy(update={"status": "failed_review"}) for x in batch[:10]]
    result = store_ready(odeps, spoiled + batch[10:], now=BATCH_TIME)
    assert result.stored == len(ready(batch[10:])) and result.skipped == 0
    assert not set(stored_ids(odeps)) & {x.case_id for x in spoiled}


def test_a_second_run_stores_nothing_twice(odeps: Deps, batch: list[OutboxLine]) -> None:
    first = store_ready(odeps, batch, now=BATCH_TIME)
    again = store_ready(odeps, batch, now=BATCH_TIME + dt.timedelta(hours=1))
    assert first.stored == len(ready(batch)) and again.batch_id != first.batch_id
    assert again.stored == 0 and again.skipped == first.stored
    assert sorted(again.skipped_case_ids) == sorted(x.case_id for x in ready(batch))
    with odeps.sessions() as session:
        assert len(list(session.scalars(select(OutboxMessageRow)))) == first.stored
    # The next local day is another day: a reminder planned then is stored.
    x = ready(batch)[0]
    assert x.send_at is not None and x.text and x.script and x.channel
    tomorrow = ReadyReminder(
        case_id=x.case_id,
        tenant=x.tenant,
        script=x.script,
        channel=x.channel,
        send_at=x.send_at + dt.timedelta(days=1),
        text=x.text,
    )
    store = OutboxStore(odeps.sessions, odeps.cipher)
    assert store.add([tomorrow], batch_id="ob-next", actor="t", now=BATCH_TIME).stored == 1
    assert store.add([tomorrow], batch_id="ob-next2", actor="t", now=BATCH_TIME).skipped == 1


def test_a_run_racing_another_skips_what_the_other_stored(
    odeps: Deps, batch: list[OutboxLine], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.db import outbox

    first = store_ready(odeps, batch[:20], now=BATCH_TIME)
    # The second run read before the first one committed: only the unique (case, day) key stops the duplicates.
    monkeypatch.setattr(outbox, "_existing", lambda session, case_ids: set())
    second = store_ready(odeps, batch, now=BATCH_TIME)
    assert first.stored == len(ready(batch[:20])) > 5
    assert second.stored == len(ready(batch[20:])) and second.skipped == first.stored
    assert set(second.skipped_case_ids) == {x.case_id for x in ready(batch[:20])}
    assert len(stored_ids(odeps)) == len(ready(batch))


def test_cli_store_and_out_then_a_second_run_skips(env_for_cli: Path, tmp_path: Path, wall: Clock) -> None:
    runner = CliRunner()
    out = tmp_path / "outbox.jsonl"
    first = runner.invoke(app, ["reminders", "--store", "--out", str(out), "--limit", "20", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    n_ready = sum(1 for x in lines if x["status"] == "ready")
    assert len(lines) == 20 and n_ready > 10
    assert summary["stored"]["stored"] == n_ready and summary["stored"]["skipped"] == 0
    second = runner.invoke(app, ["reminders", "--store", "--limit", "20"])
    assert second.exit_code == 0, second.output
    assert "stored: 0 ready reminders in batch ob-" in second.output
    assert f"skipped {n_ready} already stored for that day" in second.output
    plain = runner.invoke(app, ["reminders", "--limit", "5", "--json"])
    assert plain.exit_code == 0 and "stored" not in json.loads(plain.output)  # without --store nothing is stored
    deps = build_deps(make_settings(env_for_cli))
    try:
        assert len(stored_ids(deps)) == n_ready
    finally:
        deps.close()


# ---- pulling -------------------------------------------------------------------------------------------------------


def test_pull_hands_out_due_ready_reminders_with_their_text(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    texts = {x.case_id: x.text for x in ready(batch)}
    assert pull(oc).json() == {"items": [], "expired": 0, "withdrawn": 0}  # planned for 18:00 local: not due at 09:00
    wall.now = DUE - dt.timedelta(minutes=1)
    assert pull(oc).json()["items"] == []
    wall.now = DUE
    page = pull(oc)
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert {m["case_id"]: m["text"] for m in items} == texts
    for m in items:
        assert dt.datetime.fromisoformat(m["send_at"]) == dt.datetime(2026, 11, 3, 18, tzinfo=BEIJING)
        assert m["send_at"].endswith("+08:00") and m["expires_at"] == "2026-11-03T22:00:00+08:00"
    assert all(m["claim_id"] == items[0]["claim_id"] and m["lease_until"] for m in items)
    assert pull(oc).json()["items"] == []  # claimed: a second worker gets none of them while the lease lasts
    wall.now = DUE + dt.timedelta(seconds=301)  # the lease ended unacknowledged: due again
    assert len(pull(oc, limit=5).json()["items"]) == 5
    wall.now = NIGHT - dt.timedelta(seconds=1)
    assert len(pull(oc).json()["items"]) == len(texts)
    wall.now = NIGHT  # 22:00 local: the day is over, nothing is handed out, the rest is reported as expired
    assert pull(oc).json() == {"items": [], "expired": len(texts), "withdrawn": 0}


def test_pull_is_oldest_first_and_skips_a_day_that_has_passed(
    oc: TestClient, odeps: Deps, wall: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hand-written texts would be withdrawn by the re-check (they are not the cases' drafts): ordering only here.
    monkeypatch.setattr(outbox_batch, "recheck", lambda case, message, now: None)
    store = OutboxStore(odeps.sessions, odeps.cipher)

    def reminder(case_id: str, local: dt.datetime) -> ReadyReminder:
        return ReadyReminder(
            case_id=case_id, tenant="bank-a", script="s", channel="sms", send_at=local, text=f"提醒 {case_id}"
        )

    store.add(
        [
            reminder("C000003", dt.datetime(2026, 11, 3, 12, tzinfo=BEIJING)),
            reminder("C000001", dt.datetime(2026, 11, 3, 9, tzinfo=BEIJING)),
            reminder("C000002", dt.datetime(2026, 11, 2, 20, tzinfo=BEIJING)),  # yesterday: expired
            reminder("C000004", dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))),
            reminder("C000005", dt.datetime(2026, 11, 3, 19, tzinfo=BEIJING)),  # not yet due
        ],
        batch_id="ob-t",
        actor="t",
        now=BATCH_TIME,
    )
    wall.now = dt.datetime(2026, 11, 3, 4, 0, tzinfo=dt.UTC)  # 12:00 Beijing
    page = pull(oc).json()
    assert [m["case_id"] for m in page["items"]] == ["C000004", "C000001", "C000003"]
    assert [m["text"] for m in page["items"]] == ["提醒 C000004", "提醒 C000001", "提醒 C000003"]
    assert page["items"][0]["send_at"] == "2026-11-03T08:30:00+09:00"
    assert page["expired"] == 1


def test_pull_is_tenant_scoped(oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    wall.now = DUE
    a = {m["case_id"] for m in pull(oc, key(SYSTEM_A)).json()["items"]}
    b = {m["case_id"] for m in pull(oc, key(SUPERVISOR_B)).json()["items"]}
    wall.now = DUE + dt.timedelta(seconds=301)  # both leases ended: every reminder is due again
    everyone = {m["case_id"] for m in pull(oc).json()["items"]}
    assert a and b and a | b == everyone and not a & b
    assert {tenant_of(c) for c in a} == {"bank-a"} and {tenant_of(c) for c in b} == {"bank-b"}
    wall.now += dt.timedelta(seconds=301)
    assert {m["case_id"] for m in pull(oc, tenant="bank-b").json()["items"]} == b  # a platform key's filter
    assert {m["case_id"] for m in pull(oc, key(SYSTEM_A), tenant="bank-a").json()["items"]} == a
    other = pull(oc, key(SYSTEM_A), tenant="bank-b")
    assert other.status_code == 403 and "bank-a" in other.json()["detail"]
    wall.now = NIGHT
    assert pull(oc, key(SYSTEM_A)).json()["expired"] == len(a)


@pytest.mark.parametrize(("role", "code"), [("collector", 403), ("compliance", 403), ("qa", 403), ("supervisor", 200)])
def test_only_system_and_supervisor_use_the_outbox(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock, role: str, code: int
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    wall.now = DUE
    message_id = next(iter(stored_ids(odeps).values()))
    headers = key(API_KEYS[role])
    got = pull(oc, headers)
    assert got.status_code == code, got.text
    sent = oc.post(f"/v1/outbox/{message_id}:dispatched", json={"provider_ref": "p-1"}, headers=headers)
    assert sent.status_code == code, sent.text
    if code == 403:
        assert "text" not in got.text and role in got.json()["detail"]
        failed = oc.post(f"/v1/outbox/{message_id}:failed", json={"note": "x"}, headers=headers)
        assert failed.status_code == 403
    assert oc.get("/v1/outbox").status_code == 401


# ---- acknowledging -------------------------------------------------------------------------------------------------


def test_acknowledge_sent_and_failed_once_each(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    wall.now = DUE
    items = pull(oc).json()["items"]
    first, second = items[0], items[1]
    wall.now = DUE + dt.timedelta(minutes=3)
    sent = oc.post(f"/v1/outbox/{first['id']}:dispatched", json={"provider_ref": "sms-778"}, headers=SYSTEM)
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["status"] == "dispatched" and body["provider_ref"] == "sms-778" and body["actor"] == "api:system"
    assert dt.datetime.fromisoformat(body["dispatched_at"]) == wall.now and "text" not in body
    failed = oc.post(f"/v1/outbox/{second['id']}:failed", json={"note": "number unreachable"}, headers=SYSTEM)
    assert failed.status_code == 200 and failed.json()["status"] == "dispatch_failed"
    assert failed.json()["note"] == "number unreachable"
    assert audit_actions(odeps, first["case_id"])[-1] == "reminder_dispatched"
    assert audit_actions(odeps, second["case_id"])[-1] == "reminder_dispatch_failed"
    with odeps.sessions() as session:
        last = session.scalars(
            select(CaseAudit).where(CaseAudit.case_id == first["case_id"]).order_by(CaseAudit.id.desc())
        ).first()
        assert (
            last is not None and last.detail["provider_ref"] == "sms-778" and last.detail["message_id"] == first["id"]
        )
    wall.now = DUE + dt.timedelta(seconds=301)  # the others' lease ended unacknowledged
    left = {m["id"] for m in pull(oc).json()["items"]}
    assert first["id"] not in left and second["id"] not in left and len(left) == len(items) - 2
    # The status changes once: any second acknowledgement is a conflict, and writes no audit row.
    for message_id, path, payload in [
        (first["id"], "dispatched", {"provider_ref": "sms-779"}),
        (first["id"], "failed", {"note": "late"}),
        (second["id"], "dispatched", {"provider_ref": "sms-780"}),
    ]:
        again = oc.post(f"/v1/outbox/{message_id}:{path}", json=payload, headers=SYSTEM)
        assert again.status_code == 409, again.text
        assert message_id in again.json()["detail"] and "already" in again.json()["detail"]
    assert audit_actions(odeps, first["case_id"]).count("reminder_dispatched") == 1
    assert audit_actions(odeps, first["case_id"])[-1] == "reminder_dispatched"


def test_a_reminder_pulled_before_22_may_be_acknowledged_after(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    wall.now = NIGHT - dt.timedelta(minutes=1)
    message_id = pull(oc).json()["items"][0]["id"]
    wall.now = NIGHT + dt.timedelta(minutes=2)  # the platform sent it at 21:59 and reports at 22:02
    sent = oc.post(f"/v1/outbox/{message_id}:dispatched", json={"provider_ref": "late-ack"}, headers=SYSTEM)
    assert sent.status_code == 200 and sent.json()["status"] == "dispatched"
    assert pull(oc).json()["expired"] == len(ready(batch)) - 1


def test_unknown_and_foreign_messages_answer_404_alike(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    ids = stored_ids(odeps)
    foreign = next(m for c, m in ids.items() if tenant_of(c) == "bank-b")
    for path, payload in [("dispatched", {"provider_ref": "p"}), ("failed", {"note": "n"})]:
        missing = oc.post(f"/v1/outbox/{MISSING}:{path}", json=payload, headers=key(SYSTEM_A))
        other = oc.post(f"/v1/outbox/{foreign}:{path}", json=payload, headers=key(SYSTEM_A))
        assert missing.status_code == 404 and other.status_code == 404, other.text
        assert other.json() == json.loads(missing.text.replace(MISSING, foreign))
    with odeps.sessions() as session:
        assert session.get(OutboxMessageRow, foreign).status == "ready"  # type: ignore[union-attr]
    own = oc.post(f"/v1/outbox/{foreign}:dispatched", json={"provider_ref": "p"}, headers=key(SUPERVISOR_B))
    assert own.status_code == 200, own.text


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("dispatched", None),
        ("dispatched", {}),
        ("dispatched", {"provider_ref": ""}),
        ("dispatched", {"provider_ref": 12}),
        ("dispatched", {"provider_ref": "x" * 129}),
        ("dispatched", {"provider_ref": "p", "status": "ready"}),
        ("failed", None),
        ("failed", {"provider_ref": "p"}),
        ("failed", {"note": ""}),
        ("failed", ["note"]),
    ],
)
def test_bad_bodies_are_422(oc: TestClient, odeps: Deps, batch: list[OutboxLine], path: str, payload: object) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    message_id = next(iter(stored_ids(odeps).values()))
    got = oc.post(f"/v1/outbox/{message_id}:{path}", json=payload, headers=SYSTEM)
    assert got.status_code == 422, got.text
    assert got.json()["detail"]
    with odeps.sessions() as session:
        assert session.get(OutboxMessageRow, message_id).status == "ready"  # type: ignore[union-attr]


def test_bad_pull_parameters_are_422(oc: TestClient) -> None:
    for params in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"tenant": "bank a!"}):
        assert oc.get("/v1/outbox", params=params, headers=SYSTEM).status_code == 422


# ---- re-check before hand-out --------------------------------------------------------------------------------------


def test_a_case_that_changed_since_the_batch_is_withdrawn_not_sent(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    lines = ready(batch)
    opted_out, repaid = lines[0].case_id, lines[1].case_id
    with odeps.engine.begin() as conn:
        conn.execute(
            text("UPDATE cases SET flags = :f WHERE id = :id"), {"f": json.dumps(["opt_out"]), "id": opted_out}
        )
        # A repayment leaves 100 yuan owing: the reminder's amount would be wrong now.
        conn.execute(
            text(
                "UPDATE loans SET outstanding_principal_fen = 10000, outstanding_interest_fen = 0,"
                " outstanding_penalty_fen = 0 WHERE id = (SELECT loan_id FROM cases WHERE id = :id)"
            ),
            {"id": repaid},
        )
    wall.now = DUE
    page = pull(oc).json()
    handed = {m["case_id"] for m in page["items"]}
    assert opted_out not in handed and repaid not in handed
    assert page["withdrawn"] == 2 and len(handed) == len(lines) - 2
    rows = {r.case_id: r for r in odeps.sessions().scalars(select(OutboxMessageRow))}
    assert rows[opted_out].status == "withdrawn" and "opt_out" in rows[opted_out].note
    assert rows[repaid].status == "withdrawn" and "changed since the batch" in rows[repaid].note
    audit = [a.action for a in odeps.cases.get_case(opted_out).audit]
    assert audit[-1] == "reminder_withdrawn"
    wall.now = DUE + dt.timedelta(seconds=301)
    again = pull(oc).json()  # withdrawn for good: neither handed out nor counted again
    assert again["withdrawn"] == 0 and {m["case_id"] for m in again["items"]} == handed
    r = oc.post(f"/v1/outbox/{rows[opted_out].id}:dispatched", json={"provider_ref": "p"}, headers=SYSTEM)
    assert r.status_code == 409  # a withdrawn reminder cannot be acknowledged as sent


# ---- claims and leases ---------------------------------------------------------------------------------------------


def test_two_workers_never_get_the_same_reminder(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    """Parallel claims on the store: every due reminder is handed to exactly one worker."""
    import threading

    store_ready(odeps, batch, now=BATCH_TIME)
    wall.now = DUE
    store = OutboxStore(odeps.sessions, odeps.cipher)
    got: dict[str, list[str]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        mine: list[str] = []
        while batch_ := store.claim(now=DUE, worker=name, lease_s=300, limit=3):
            mine += [m.id for m in batch_]
        got[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    handed = [m for ids in got.values() for m in ids]
    assert len(handed) == len(set(handed)) == len(ready(batch))


def test_claim_by_post_and_acknowledge_with_the_claim(
    oc: TestClient, odeps: Deps, batch: list[OutboxLine], wall: Clock
) -> None:
    store_ready(odeps, batch, now=BATCH_TIME)
    wall.now = DUE
    r = oc.post("/v1/outbox:claim", json={"limit": 2, "lease_s": 60}, headers=SYSTEM)
    assert r.status_code == 200, r.text
    first, second = r.json()["items"]
    assert first["claim_id"] == second["claim_id"] and first["claim_id"].startswith("oc-")
    other = oc.post("/v1/outbox:claim", json={"limit": 1000}, headers=SYSTEM).json()["items"]
    assert {m["id"] for m in other}.isdisjoint({first["id"], second["id"]})
    foreign = other[0]["claim_id"]
    clash = oc.post(f"/v1/outbox/{first['id']}:dispatched", json={"provider_ref": "x", "claim_id": foreign},
                    headers=SYSTEM)  # fmt: skip
    assert clash.status_code == 409 and "another worker" in clash.json()["detail"]
    ok = oc.post(f"/v1/outbox/{first['id']}:dispatched", json={"provider_ref": "x", "claim_id": first["claim_id"]},
                 headers=SYSTEM)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "dispatched"
    wall.now = DUE + dt.timedelta(seconds=61)  # the first claim's lease ended: its unacknowledged one is due again
    again = oc.post("/v1/outbox:claim", json={"limit": 1000}, headers=SYSTEM).json()["items"]
    assert [m["id"] for m in again] == [second["id"]]
    assert oc.post("/v1/outbox:claim", json={"lease_s": 5}, headers=SYSTEM).status_code == 422
    assert oc.post("/v1/outbox:claim", json={}, headers=key(API_KEYS["collector"])).status_code == 403
