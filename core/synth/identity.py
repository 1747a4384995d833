"""Identity numbers and phone numbers: GB 11643 resident IDs with ISO 7064 MOD 11-2 check digits, mobiles."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from core.synth.reference import MOBILE_PREFIXES

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK_CHARS = "10X98765432"


def check_digit(first17: str) -> str:
    """The GB 11643 check character (``0``-``9`` or ``X``) of the first 17 digits of a resident ID."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("a resident ID body is 17 digits")
    total = sum(int(d) * int(w) for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """Whether ``value`` is 18 characters with a correct check character."""
    return len(value) == 18 and value[:17].isdigit() and check_digit(value[:17]) == value[17].upper()


def resident_ids(
    region_codes: NDArray[np.str_], birth_days: NDArray[np.int64], male: NDArray[np.bool_], rng: np.random.Generator
) -> list[str]:
    """Build 18-character resident IDs.

    Args:
        region_codes: GB/T 2260 six-digit codes, one per person.
        birth_days: birth dates as days since 1970-01-01.
        male: gender; the 17th digit (sequence parity) is odd for men and even for women.
        rng: the block's random generator.

    Returns:
        The IDs, with a valid ISO 7064 MOD 11-2 check character.
    """
    n = len(region_codes)
    seq_head = rng.integers(0, 100, size=n)
    parity = rng.integers(0, 5, size=n) * 2 + male.astype(np.int64)
    births = birth_days.astype("datetime64[D]").astype(str)
    bodies = [
        f"{region}{birth[:4]}{birth[5:7]}{birth[8:10]}{head:02d}{par}"
        for region, birth, head, par in zip(
            region_codes.tolist(), births.tolist(), seq_head.tolist(), parity.tolist(), strict=True
        )
    ]
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(n, 17).astype(np.int64) - 48
    checks = (digits @ _WEIGHTS) % 11
    return [body + _CHECK_CHARS[c] for body, c in zip(bodies, checks.tolist(), strict=True)]


def mobiles(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` mainland mobile numbers: a real carrier segment and eight random digits."""
    prefixes = rng.integers(0, len(MOBILE_PREFIXES), size=n)
    tails = rng.integers(0, 100_000_000, size=n)
    return [f"{MOBILE_PREFIXES[p]}{t:08d}" for p, t in zip(prefixes.tolist(), tails.tolist(), strict=True)]
