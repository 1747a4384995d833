"""Contact window: the hour band with the best right-party-contact rate in a case's contact log."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.features import RPC_OUTCOMES, positions
from tools.triage.raw import RawFrames
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
    n = len(index)
    n_bands = -(-(config.allowed_end_hour - config.allowed_start_hour) // config.band_hours)
    pos = positions(raw.cases["case_id"], con["case_id"])
    offset_s = raw.cases["utc_offset_min"].to_numpy(dtype="int64")[pos] * 60
    as_of_end = (raw.cases["as_of_day"].to_numpy(dtype="int64")[pos] + 1) * 86400
    at_s = con["at_s"].to_numpy(dtype="int64")
    hour = ((at_s + offset_s) // 3600) % 24
    keep = (hour >= config.allowed_start_hour) & (hour < config.allowed_end_hour) & (at_s < as_of_end)
    cell = pos[keep] * n_bands + (hour[keep] - config.allowed_start_hour) // config.band_hours
    rpc_hit = np.isin(con["outcome"].to_numpy(dtype=object)[keep], RPC_OUTCOMES)
    size = np.bincount(cell, minlength=n * n_bands).reshape(n, n_bands)
    rpc = np.bincount(cell, weights=rpc_hit.astype("float64"), minlength=n * n_bands).reshape(n, n_bands)
    rate = np.divide(rpc, size, out=np.zeros_like(rpc), where=size > 0)
    best_band = np.full(n, -1)
    best_rate, best_rpc = np.full(n, -1.0), np.full(n, -1.0)
    for band in range(n_bands):  # ascending, so a tie keeps the earlier band
        ok = size[:, band] >= config.min_attempts
        better = ok & ((rate[:, band] > best_rate) | ((rate[:, band] == best_rate) & (rpc[:, band] > best_rpc)))
        best_band[better], best_rate[better], best_rpc[better] = band, rate[better, band], rpc[better, band]
    learned = best_band >= 0
    start = config.allowed_start_hour + best_band * config.band_hours
    out["window_start"] = np.where(learned, start, config.default_start_hour)
    out["window_end"] = np.where(
        learned, np.minimum(start + config.band_hours, config.allowed_end_hour), config.default_end_hour
    )
    out["window_rpc_rate"] = np.where(learned, best_rate, np.nan)
    out["window_learned"] = learned
    return out
