"""The wall clock that decisions read (contact windows, quiet hours, promise dates): one place, so tests can pin it.

Graph contexts default to :func:`utc_now`, looked up at call time; a test that depends on the hour monkeypatches
``core.clock.utc_now`` instead of hoping the suite runs in daytime.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def read() -> dt.datetime:
    """:func:`utc_now` as it is bound now (a pinned clock in tests); the default of every graph context's clock."""
    return utc_now()
