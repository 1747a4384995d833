"""Contact window: the hour band with the best right-party-contact rate in a case's contact log."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.features import RPC_OUTCOMES
from tools.triage.frames import RawFrames
from tools.triage.rules import WindowConfig

WINDOW_COLUMNS = ("window_start", "window_end", "window_rpc_rate", "window_learned")


def learn_windows(raw: RawFrames, config: WindowConfig) -> pd.DataFrame:
    """Pick each case's contact window.

    Attempts are placed in the debtor's local hour; only hours inside the allowed contact hours count. The
    band with the highest right-party-contact rate among bands with at least ``min_attempts`` attempts wins
    (ties: more contacts, then the earlier band); a case with no such band gets the default window.

    Args:
        raw: Raw frames of a chunk of cases.
        config: The ``contact_window`` section of the rules.

    Returns:
        A frame indexed by case id with the columns in :data:`WINDOW_COLUMNS`.
    """
    index = pd.Index(raw.cases["case_id"], name="case_id")
    out = pd.DataFrame(
        {
            "window_start": config.default_start_hour,
            "window_end": config.default_end_hour,
            "window_rpc_rate": np.nan,
            "window_learned": False,
        },
        index=index,
    )
    con = raw.contacts
    if con.empty:
        return out
    offset_s = raw.cases.set_index("case_id")["utc_offset_min"].reindex(con["case_id"]).to_numpy() * 60
    as_of_end = (raw.cases.set_index("case_id")["as_of_day"].reindex(con["case_id"]).to_numpy() + 1) * 86400
    at_s = con["at_s"].to_numpy()
    hour = ((at_s + offset_s) // 3600) % 24
    keep = (hour >= config.allowed_start_hour) & (hour < config.allowed_end_hour) & (at_s < as_of_end)
    band = (hour[keep] - config.allowed_start_hour) // config.band_hours
    grouped = (
        pd.DataFrame(
            {
                "case_id": con["case_id"].to_numpy()[keep],
                "band": band,
                "rpc": np.isin(con["outcome"].to_numpy()[keep], RPC_OUTCOMES),
            }
        )
        .groupby(["case_id", "band"], sort=False)["rpc"]
        .agg(["size", "sum"])
        .reset_index()
    )
    grouped = grouped[grouped["size"] >= config.min_attempts]
    if grouped.empty:
        return out
    grouped["rate"] = grouped["sum"] / grouped["size"]
    best = grouped.sort_values(["case_id", "rate", "sum", "band"], ascending=[True, False, False, True])
    best = best.drop_duplicates("case_id").set_index("case_id")
    start = config.allowed_start_hour + best["band"] * config.band_hours
    out.loc[best.index, "window_start"] = start.astype("int64")
    out.loc[best.index, "window_end"] = np.minimum(start + config.band_hours, config.allowed_end_hour).astype("int64")
    out.loc[best.index, "window_rpc_rate"] = best["rate"].astype("float64")
    out.loc[best.index, "window_learned"] = True
    return out
