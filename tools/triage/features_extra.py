"""Triage features v2: debtor bands and region, answer rate by hour band, channel responsiveness, promise recency.

Added for the propensity model; every feature here is computed from the same :class:`RawFrames` as the v1
features, vectorised over a chunk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.raw import RawFrames

INCOME_INDEX = {"<3k": 0, "3k-5k": 1, "5k-8k": 2, "8k-15k": 3, "15k-30k": 4, ">30k": 5}
EMPLOYMENT_INDEX = {
    "unemployed": 0,
    "gig_worker": 1,
    "retired": 2,
    "self_employed": 3,
    "salaried": 4,
    "civil_servant": 5,
}
"""Employment ordered roughly by income stability (unknown values get -1)."""
REGIONS = {
    "north": ("北京市", "天津市", "河北省", "山西省", "内蒙古自治区"),
    "northeast": ("辽宁省", "吉林省", "黑龙江省"),
    "east": ("上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省"),
    "central": ("河南省", "湖北省", "湖南省"),
    "south": ("广东省", "广西壮族自治区", "海南省"),
    "southwest": ("重庆市", "四川省", "贵州省", "云南省", "西藏自治区"),
    "northwest": ("陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"),
}
"""China's seven geographic regions (七大地理分区) by province."""
REGION_INDEX = {p: i for i, provinces in enumerate(REGIONS.values()) for p in provinces}
HOUR_BANDS = (("08_11", 8, 11), ("11_14", 11, 14), ("14_18", 14, 18), ("18_22", 18, 22))
"""Local-time hour bands for answer rates: [start, end)."""
RESPONSIVE_CHANNELS = ("sms", "wechat", "app", "visit")
ANSWERED = ("connected", "right_party_contact", "promise_to_pay", "refused", "wrong_number")


def _bincount(n: int, pos: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    w = None if weights is None else weights.astype("float64")
    return np.bincount(pos, weights=w, minlength=n).astype("float64")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.divide(num, den, out=np.zeros_like(num), where=den != 0)
    return out


def debtor_features(c: pd.DataFrame, f: pd.DataFrame) -> dict[str, np.ndarray]:
    """Income and employment indices, age bands, region, collateral log-cover and flag count.

    Args:
        c: The cases frame, indexed like ``f``.
        f: The v1 features (``age``, ``collateral_cover``, ``flag_*`` are read).

    Returns:
        New columns by name.
    """
    age = f["age"].to_numpy()
    cover = f["collateral_cover"].to_numpy()
    secured = cover > 0
    log_cover = np.zeros(len(f))
    log_cover[secured] = np.clip(np.log(cover[secured]), -1.0, 1.5)
    flags = [col for col in f.columns if col.startswith("flag_")]
    return {
        "income_band_index": c["income_band"].map(INCOME_INDEX).fillna(-1).to_numpy(dtype="float64"),
        "employment_index": c["employment"].map(EMPLOYMENT_INDEX).fillna(-1).to_numpy(dtype="float64"),
        "age_under_25": (age < 25).astype("float64"),
        "age_35_54": ((age >= 35) & (age < 55)).astype("float64"),
        "age_60_plus": (age >= 60).astype("float64"),
        "region_index": c["province"].map(REGION_INDEX).fillna(-1).to_numpy(dtype="float64"),
        "collateral_log_cover": log_cover,
        "flag_count": f[flags].to_numpy().sum(axis=1) if flags else np.zeros(len(f)),
    }


def contact_features(raw: RawFrames, pos: np.ndarray) -> dict[str, np.ndarray]:
    """Answer rate of calls to the debtor by local hour band, and response rate per non-call channel.

    Args:
        raw: Raw frames of the chunk.
        pos: Row position in ``raw.cases`` of each contact.

    Returns:
        New columns by name.
    """
    n = len(raw.cases)
    con = raw.contacts
    as_of_end = (raw.cases["as_of_day"].to_numpy(dtype="int64")[pos] + 1) * 86400
    at_s = con["at_s"].to_numpy(dtype="int64")
    past = at_s < as_of_end
    pos, at_s = pos[past], at_s[past]
    offset_s = raw.cases["utc_offset_min"].to_numpy(dtype="int64")[pos] * 60
    hour = ((at_s + offset_s) // 3600) % 24
    channel = con["channel"].to_numpy(dtype=object)[past]
    outcome = con["outcome"].to_numpy(dtype=object)[past]
    answered = np.isin(outcome, ANSWERED)
    debtor_calls = (channel == "call") & (con["callee"].to_numpy(dtype=object)[past] == "debtor")
    out: dict[str, np.ndarray] = {}
    rates = []
    for name, start, end in HOUR_BANDS:
        in_band = debtor_calls & (hour >= start) & (hour < end)
        calls = _bincount(n, pos[in_band])
        rate = _ratio(_bincount(n, pos[in_band], answered[in_band]), calls)
        out[f"calls_h{name}"] = calls
        out[f"answer_rate_h{name}"] = rate
        rates.append(np.where(calls > 0, rate, np.nan))
    stacked = np.vstack(rates)
    seen = ~np.isnan(stacked).all(axis=0)
    best = np.zeros(n)
    worst = np.zeros(n)
    best[seen] = np.nanmax(stacked[:, seen], axis=0)
    worst[seen] = np.nanmin(stacked[:, seen], axis=0)
    out["best_band_answer_rate"] = best
    out["answer_rate_spread"] = best - worst
    for ch in RESPONSIVE_CHANNELS:
        sent = channel == ch
        out[f"response_rate_{ch}"] = _ratio(_bincount(n, pos[sent], answered[sent]), _bincount(n, pos[sent]))
    return out


def promise_features(raw: RawFrames, pos: np.ndarray, outstanding_yuan: np.ndarray) -> dict[str, np.ndarray]:
    """Days since the last promise and the promised amount over the outstanding balance.

    Args:
        raw: Raw frames of the chunk.
        pos: Row position in ``raw.cases`` of each promise.
        outstanding_yuan: Outstanding total per case, yuan.

    Returns:
        New columns by name.
    """
    n = len(raw.cases)
    pro = raw.promises
    as_of = raw.cases["as_of_day"].to_numpy(dtype="int64")
    ago = as_of[pos] - pro["made_day"].to_numpy(dtype="int64")
    made = ago >= 0
    last = np.full(n, np.inf)
    np.minimum.at(last, pos[made], ago[made].astype("float64"))
    last[np.isinf(last)] = 9999.0
    amount = pro["amount_fen"].to_numpy(dtype="float64")[made] / 100.0
    return {
        "days_since_last_promise": last,
        "promised_to_outstanding": _ratio(_bincount(n, pos[made], amount), outstanding_yuan.astype("float64")),
    }
