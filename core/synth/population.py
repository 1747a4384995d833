"""Debtors of one block: demographics, region, identity, phones, address, emergency contacts, latent traits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.identity import mobiles, resident_ids

_SURNAMES = [s for s, _ in ref.SURNAMES]
_SURNAME_P = np.array([w for _, w in ref.SURNAMES]) / sum(w for _, w in ref.SURNAMES)
_SURNAME_ARR = np.array(_SURNAMES)
_GIVEN_SIZES = np.array([len(ref.GIVEN_MALE), len(ref.GIVEN_FEMALE), len(ref.GIVEN_NEUTRAL)])
_GIVEN_TABLE = np.array(
    [
        list(pool) + [""] * (_GIVEN_SIZES.max() - len(pool))
        for pool in (ref.GIVEN_MALE, ref.GIVEN_FEMALE, ref.GIVEN_NEUTRAL)
    ]
)
_CITY_P = np.array([c.weight for c in ref.CITIES]) / sum(c.weight for c in ref.CITIES)
# Capacity score of each income band and employment, standardised below so capacity has unit variance.
_INCOME_SCORE = np.array([-1.6, -0.8, -0.1, 0.6, 1.3, 2.0])
_EMPLOY_SCORE = np.array([0.3, 0.0, -0.5, -1.4, -0.2, 0.8])
DISTRICT_COUNT = np.array([len(c.districts) for c in ref.CITIES])
"""Districts listed per city; ``DISTRICT_START[c]`` indexes the first in the flat tables below."""
DISTRICT_START = np.concatenate([[0], np.cumsum(DISTRICT_COUNT)[:-1]])
DISTRICT_NAMES = np.array([d for c in ref.CITIES for d, _ in c.districts])
DISTRICT_CODES = np.array([code for c in ref.CITIES for _, code in c.districts])
_CITY_HEADS = [c.name if c.province in ref.MUNICIPALITIES else c.province + c.name for c in ref.CITIES]
"""How an address opens: province and city, or just the municipality."""
_MALE_RELATIONS = frozenset({"父亲", "兄弟"})
_SAME_SURNAME = frozenset({"父亲", "兄弟", "姐妹"})


@dataclass(frozen=True)
class Debtors:
    """Columns of the debtors of a block (one debtor per case)."""

    name: list[str]
    resident_id: list[str]
    phones: list[list[str]]
    address: list[str]
    contacts_json: list[str]
    birth_day: NDArray[np.int64]
    """Days since 1970-01-01."""
    age: NDArray[np.int64]
    male: NDArray[np.bool_]
    city: NDArray[np.int64]
    """Index into :data:`core.synth.reference.CITIES`."""
    district: list[str]
    income: NDArray[np.int64]
    """Index into :data:`core.synth.reference.INCOME_BANDS`."""
    employment: NDArray[np.int64]
    best_band: NDArray[np.int64]
    """Latent: index into :data:`core.synth.reference.HOUR_BANDS` of the most reachable hours."""
    willingness: NDArray[np.float64]
    """Latent willingness to pay, standard normal."""
    capacity: NDArray[np.float64]
    """Latent capacity to pay, about standard normal, partly explained by income and employment."""


def person_names(male: NDArray[np.bool_], rng: np.random.Generator, surnames: list[str] | None = None) -> list[str]:
    """Chinese names: a weighted surname (unless given) and a one- or two-character given name."""
    n = len(male)
    if surnames is None:
        surnames = _SURNAME_ARR[rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P)].tolist()
    two = rng.random(n) < 0.72
    neutral = rng.random((n, 2)) < 0.2
    picks = rng.random((n, 2))
    pool = np.where(neutral, 2, np.where(male, 0, 1)[:, None])
    chars = _GIVEN_TABLE[pool, (picks * _GIVEN_SIZES[pool]).astype(np.int64)]
    given = np.where(two, np.strings.add(chars[:, 0], chars[:, 1]), chars[:, 0])
    names: list[str] = np.strings.add(np.array(surnames), given).tolist()
    return names


def _capacity_score(income: NDArray[np.int64], employment: NDArray[np.int64]) -> NDArray[np.float64]:
    """Standardised observable part of capacity (mean 0, variance 1 under the band and employment weights)."""
    raw = 0.8 * _INCOME_SCORE[income] + 0.6 * _EMPLOY_SCORE[employment]
    pi, pe = np.array(ref.INCOME_WEIGHTS), np.array(ref.EMPLOYMENT_WEIGHTS)
    mean = 0.8 * (pi @ _INCOME_SCORE) + 0.6 * (pe @ _EMPLOY_SCORE)
    var = 0.64 * (pi @ _INCOME_SCORE**2 - (pi @ _INCOME_SCORE) ** 2) + 0.36 * (
        pe @ _EMPLOY_SCORE**2 - (pe @ _EMPLOY_SCORE) ** 2
    )
    return np.asarray((raw - mean) / np.sqrt(var), dtype=np.float64)


def _contacts(surnames: list[str], debtor_male: NDArray[np.bool_], rng: np.random.Generator) -> list[str]:
    n = len(surnames)
    counts = np.where(rng.random(n) < 0.6, 2, 3)
    total = int(counts.sum())
    owner = np.repeat(np.arange(n), counts).tolist()
    rel = rng.choice(len(ref.CONTACT_RELATIONS), size=total, p=ref.CONTACT_RELATION_WEIGHTS).tolist()
    coin = rng.random(total).tolist()
    relations, male = [], []
    seen: set[tuple[int, str]] = set()
    for o, r, x in zip(owner, rel, coin, strict=True):
        relation = ref.CONTACT_RELATIONS[r]
        if relation in ("配偶", "父亲", "母亲") and (o, relation) in seen:
            relation = "朋友"
        seen.add((o, relation))
        relations.append(relation)
        if relation == "配偶":
            male.append(not debtor_male[o])
        else:
            male.append(relation in _MALE_RELATIONS or (relation not in ("母亲", "姐妹") and x < 0.5))
    drawn = _SURNAME_ARR[rng.choice(len(_SURNAMES), size=total, p=_SURNAME_P)].tolist()
    family = [surnames[o] if r in _SAME_SURNAME else d for o, r, d in zip(owner, relations, drawn, strict=True)]
    names = person_names(np.array(male), rng, family)
    phones = mobiles(total, rng)
    # Names, relations and phones hold no quotes or backslashes, so the JSON is assembled directly.
    out: list[list[str]] = [[] for _ in range(n)]
    for o, name, r, p in zip(owner, names, relations, phones, strict=True):
        out[o].append(f'{{"name": "{name}", "relation": "{r}", "phone": "{p}"}}')
    return ["[" + ", ".join(c) + "]" for c in out]


def generate_debtors(n: int, as_of_day: int, rng: np.random.Generator) -> Debtors:
    """Draw ``n`` debtors living in the weighted cities, aged 20-65 on ``as_of_day``."""
    male = rng.random(n) < 0.56
    age = np.clip(np.rint(rng.normal(36.0, 9.5, n)), 20, 65).astype(np.int64)
    birth_day = (as_of_day - np.floor(age * 365.25 + rng.random(n) * 364.0)).astype(np.int64)
    city = rng.choice(len(ref.CITIES), size=n, p=_CITY_P)
    income = rng.choice(len(ref.INCOME_BANDS), size=n, p=ref.INCOME_WEIGHTS)
    employment = rng.choice(len(ref.EMPLOYMENT), size=n, p=ref.EMPLOYMENT_WEIGHTS)
    employment = np.where((employment == ref.EMPLOYMENT.index("retired")) & (age < 50), 0, employment)
    capacity = 0.75 * _capacity_score(income, employment) + 0.66 * rng.standard_normal(n)
    willingness = rng.standard_normal(n)
    office = np.isin(employment, [0, 5])
    band_p = np.where(office[:, None], [0.12, 0.22, 0.14, 0.52], [0.3, 0.24, 0.26, 0.2])
    best_band = (rng.random(n)[:, None] > np.cumsum(band_p, axis=1)).sum(axis=1).clip(0, 3)

    surnames = _SURNAME_ARR[rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P)].tolist()
    names = person_names(male, rng, surnames)
    home = DISTRICT_START[city] + (rng.random(n) * DISTRICT_COUNT[city]).astype(np.int64)
    other = DISTRICT_START[city] + (rng.random(n) * DISTRICT_COUNT[city]).astype(np.int64)
    registered = np.where(rng.random(n) < 0.6, home, other)
    districts = DISTRICT_NAMES[home].tolist()
    regions = DISTRICT_CODES[registered]
    ids = resident_ids(regions, birth_day, male, rng)
    primary, second = mobiles(n, rng), mobiles(n, rng)
    has_two = rng.random(n) < 0.27
    phones = [[p, s] if t else [p] for p, s, t in zip(primary, second, has_two.tolist(), strict=True)]
    road = rng.integers(0, len(ref.ROADS), n)
    num, bld, unit, room = (
        rng.integers(1, 400, n),
        rng.integers(1, 30, n),
        rng.integers(1, 6, n),
        rng.integers(1, 33, n) * 100 + rng.integers(1, 5, n),
    )
    heads = [_CITY_HEADS[c] for c in city.tolist()]
    addresses = [
        f"{h}{d}{ref.ROADS[r]}{a}号{b}栋{u}单元{m}室"
        for h, d, r, a, b, u, m in zip(
            heads, districts, road.tolist(), num.tolist(), bld.tolist(), unit.tolist(), room.tolist(), strict=True
        )
    ]
    return Debtors(
        name=names,
        resident_id=ids,
        phones=phones,
        address=addresses,
        contacts_json=_contacts(surnames, male, rng),
        birth_day=birth_day,
        age=age,
        male=male,
        city=city,
        district=districts,
        income=income,
        employment=employment,
        best_band=best_band,
        willingness=willingness,
        capacity=capacity,
    )
