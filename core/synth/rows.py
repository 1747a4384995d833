"""Turn drawn blocks into database rows: encrypt the PII, hash the lookup keys, format dates for the dialect."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from core.crypto import FieldCipher
from core.synth import reference as ref
from core.synth.block import Block

Dialect = Literal["sqlite", "generic"]
"""``sqlite`` rows carry dates as the ISO text SQLAlchemy stores there; ``generic`` rows carry Python objects."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "debtors": (
        "id", "name_enc", "resident_id_enc", "resident_id_hash", "phones_enc", "phone_hash", "address_enc",
        "birth_date_enc", "contacts_enc", "gender", "birth_year", "province", "city", "city_tier", "income_band",
        "employment", "utc_offset_min",
    ),
    "loans": (
        "id", "debtor_id", "contract_no", "product", "principal_fen", "annual_rate", "term_months",
        "disbursement_date", "repayment_method", "outstanding_principal_fen", "outstanding_interest_fen",
        "outstanding_penalty_fen", "days_past_due", "bucket",
    ),
    "guarantors": ("loan_id", "name_enc", "resident_id_enc", "resident_id_hash", "phone_enc", "relation"),
    "collateral": ("loan_id", "city", "district", "area_sqm", "build_year", "appraisal_fen", "appraisal_date"),
    "cases": (
        "id", "loan_id", "debtor_id", "tenant", "status", "queue", "strategy", "tier", "legal_status", "flags",
        "notes", "opened_on", "as_of", "updated_at",
    ),
    "repayment_events": ("loan_id", "paid_on", "amount_fen", "channel"),
    "contact_attempts": ("case_id", "channel", "at", "outcome", "callee"),
    "promises_to_pay": ("case_id", "made_on", "due_on", "amount_fen", "status"),
    "case_truth": ("case_id", "latent_propensity", "repaid_90d", "recovered_frac_12m"),
}  # fmt: skip
"""Insert order (parents first) and the columns written for each table."""

_BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6+")
_PTP_STATUS = ("pending", "kept", "broken")


@dataclass
class ChunkRows:
    """Row tuples per table, in :data:`COLUMNS` order, for one chunk of blocks."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def extend(self, other: ChunkRows) -> None:
        """Append another chunk's rows."""
        for name, rows in other.tables.items():
            self.tables[name].extend(rows)

    @property
    def row_count(self) -> int:
        """Total rows across tables."""
        return sum(len(r) for r in self.tables.values())


def _days(values: NDArray[np.int64], dialect: Dialect) -> list[Any]:
    days = values.astype("datetime64[D]")
    out: list[Any] = days.astype(str).tolist() if dialect == "sqlite" else days.tolist()
    return out


def _instants(seconds: NDArray[np.int64], dialect: Dialect) -> list[Any]:
    stamps = seconds.astype("datetime64[s]")
    if dialect == "sqlite":
        return [s.replace("T", " ") + ".000000" for s in stamps.astype(str).tolist()]
    return [s.replace(tzinfo=dt.UTC) for s in stamps.tolist()]


def _json_list(values: list[str]) -> str:
    """JSON of a list of digit strings (nothing to escape), as ``json.dumps`` writes it."""
    return '["' + '", "'.join(values) + '"]'


_FLAG_JSON = [
    json.dumps([name for k, name in enumerate(ref.FLAGS) if bits >> k & 1]) for bits in range(1 << len(ref.FLAGS))
]


def _ids(prefix: str, numbers: NDArray[np.int64]) -> list[str]:
    return [f"{prefix}{n:06d}" for n in numbers.tolist()]


def _debtor_rows(block: Block, cipher: FieldCipher, debtor_ids: list[str]) -> list[tuple[Any, ...]]:
    d, enc, h = block.debtors, cipher.encrypt, cipher.lookup_hash
    births = d.birth_day.astype("datetime64[D]").astype(str).tolist()
    rows = []
    for i, did in enumerate(debtor_ids):
        city = ref.CITIES[d.city[i]]
        rid, phones = d.resident_id[i], d.phones[i]
        rows.append((
            did, enc(d.name[i], "debtors.name_enc"), enc(rid, "debtors.resident_id_enc"), h(rid),
            enc(_json_list(phones), "debtors.phones_enc"), h(phones[0]), enc(d.address[i], "debtors.address_enc"),
            enc(births[i], "debtors.birth_date_enc"), enc(d.contacts_json[i], "debtors.contacts_enc"),
            "M" if d.male[i] else "F", int(births[i][:4]), city.province, city.name, city.tier,
            ref.INCOME_BANDS[d.income[i]], ref.EMPLOYMENT[d.employment[i]], 480,
        ))  # fmt: skip
    return rows


def block_rows(block: Block, cipher: FieldCipher, dialect: Dialect) -> ChunkRows:
    """All rows of ``block``: encrypted debtors, loans, cases, parties, events and ground truth."""
    out = ChunkRows()
    t = out.tables
    numbers = block.numbers
    case_ids, loan_ids, debtor_ids = _ids("C", numbers), _ids("L", numbers), _ids("D", numbers)
    t["debtors"] = _debtor_rows(block, cipher, debtor_ids)
    lo = block.loans
    disbursed = _days(lo.disbursement_day, dialect)
    years = lo.disbursement_day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    t["loans"] = list(zip(
        loan_ids, debtor_ids, [f"QS-HT-{y}-{n:06d}" for y, n in zip(years.tolist(), numbers.tolist(), strict=True)],
        [ref.PRODUCTS[p] for p in lo.product.tolist()], lo.principal_fen.tolist(), lo.annual_rate.tolist(),
        lo.term_months.tolist(), disbursed, [ref.REPAYMENT_METHODS[m] for m in lo.method.tolist()],
        block.outstanding_principal_fen.tolist(), block.outstanding_interest_fen.tolist(),
        block.outstanding_penalty_fen.tolist(), lo.dpd.tolist(), [_BUCKETS[b] for b in lo.bucket.tolist()],
        strict=True,
    ))  # fmt: skip
    g, enc = block.guarantors, cipher.encrypt
    t["guarantors"] = [
        (loan_ids[c], enc(name, "guarantors.name_enc"), enc(rid, "guarantors.resident_id_enc"),
         cipher.lookup_hash(rid), enc(phone, "guarantors.phone_enc"), rel)
        for c, name, rid, phone, rel in zip(g.case.tolist(), g.name, g.resident_id, g.phone, g.relation, strict=True)
    ]  # fmt: skip
    secured = np.flatnonzero(lo.has_collateral)
    t["collateral"] = list(zip(
        [loan_ids[i] for i in secured.tolist()], [ref.CITIES[c].name for c in lo.coll_city[secured].tolist()],
        [lo.coll_district[i] for i in secured.tolist()], lo.area_sqm[secured].tolist(),
        lo.build_year[secured].tolist(), lo.appraisal_fen[secured].tolist(), _days(lo.appraisal_day[secured], dialect),
        strict=True,
    ))  # fmt: skip
    t["cases"] = _case_rows(block, case_ids, loan_ids, debtor_ids, dialect)
    ev = block.events
    t["repayment_events"] = list(zip(
        [loan_ids[c] for c in ev.pay_case.tolist()], _days(ev.pay_day, dialect), ev.pay_amount.tolist(),
        [ref.PAYMENT_CHANNELS[c] for c in ev.pay_channel.tolist()], strict=True,
    ))  # fmt: skip
    t["contact_attempts"] = list(zip(
        [case_ids[c] for c in ev.att_case.tolist()], [ref.CHANNELS[c] for c in ev.att_channel.tolist()],
        _instants(ev.att_utc_s, dialect), [ref.OUTCOMES[o] for o in ev.att_outcome.tolist()],
        [ref.CALLEES[c] for c in ev.att_callee.tolist()], strict=True,
    ))  # fmt: skip
    t["promises_to_pay"] = list(zip(
        [case_ids[c] for c in ev.ptp_case.tolist()], _days(ev.ptp_made, dialect), _days(ev.ptp_due, dialect),
        ev.ptp_amount.tolist(), [_PTP_STATUS[s] for s in ev.ptp_status.tolist()], strict=True,
    ))  # fmt: skip
    tr = block.truth
    repaid = tr.repaid_90d.astype(int).tolist() if dialect == "sqlite" else tr.repaid_90d.tolist()
    t["case_truth"] = list(zip(case_ids, tr.propensity.tolist(), repaid, tr.recovered_frac_12m.tolist(), strict=True))
    return out


def flag_names(bits: int) -> list[str]:
    """Flag names set in a bit set."""
    return [name for k, name in enumerate(ref.FLAGS) if bits >> k & 1]


def _case_rows(
    block: Block, case_ids: list[str], loan_ids: list[str], debtor_ids: list[str], dialect: Dialect
) -> list[tuple[Any, ...]]:
    st = block.state
    if dialect == "sqlite":
        flags: list[Any] = [_FLAG_JSON[b] for b in st.flags.tolist()]
    else:
        flags = [flag_names(b) for b in st.flags.tolist()]
    as_of = _days(np.array([block.as_of_day]), dialect)[0]
    updated = _instants(np.array([block.as_of_day * 86400]), dialect)[0]
    opened = _days(st.opened_day, dialect)
    legal = [ref.LEGAL_STATUSES[x] for x in st.legal.tolist()]
    return [
        (cid, lid, did, "default", "open", None, None, None, lg, fl, "", op, as_of, updated)
        for cid, lid, did, lg, fl, op in zip(case_ids, loan_ids, debtor_ids, legal, flags, opened, strict=True)
    ]
