"""Debtors of one block: demographics, region, identity, phones, address, emergency contacts, latent traits."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.identity import mobiles, resident_ids

_SURNAMES = [s for s, _ in ref.SURNAMES]
_SURNAME_P = np.array([w for _, w in ref.SURNAMES]) / sum(w for _, w in ref.SURNAMES)
_CITY_P = np.array([c.weight for c in ref.CITIES]) / sum(c.weight for c in ref.CITIES)
# Capacity score of each income band and employment, standardised below so capacity has unit variance.
_INCOME_SCORE = np.array([-1.6, -0.8, -0.1, 0.6, 1.3, 2.0])
_EMPLOY_SCORE = np.array([0.3, 0.0, -0.5, -1.4, -0.2, 0.8])
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
        surnames = [_SURNAMES[i] for i in rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P).tolist()]
    two = rng.random(n) < 0.72
    neutral = rng.random((n, 2)) < 0.2
    picks = rng.random((n, 2))
    out = []
    for i in range(n):
        chars = []
        for j in range(2 if two[i] else 1):
            pool = ref.GIVEN_NEUTRAL if neutral[i, j] else (ref.GIVEN_MALE if male[i] else ref.GIVEN_FEMALE)
            chars.append(pool[int(picks[i, j] * len(pool))])
        out.append(surnames[i] + "".join(chars))
    return out


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
    drawn = [_SURNAMES[i] for i in rng.choice(len(_SURNAMES), size=total, p=_SURNAME_P).tolist()]
    family = [surnames[o] if r in _SAME_SURNAME else d for o, r, d in zip(owner, relations, drawn, strict=True)]
    names = person_names(np.array(male), rng, family)
    phones = mobiles(total, rng)
    out: list[list[dict[str, str]]] = [[] for _ in range(n)]
    for o, name, r, p in zip(owner, names, relations, phones, strict=True):
        out[o].append({"name": name, "relation": r, "phone": p})
    return [json.dumps(c, ensure_ascii=False) for c in out]


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

    surnames = [_SURNAMES[i] for i in rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P).tolist()]
    names = person_names(male, rng, surnames)
    pick_home, pick_reg, same_reg = rng.random(n), rng.random(n), rng.random(n) < 0.6
    districts, regions = [], []
    for c, h, r, same in zip(city.tolist(), pick_home.tolist(), pick_reg.tolist(), same_reg.tolist(), strict=True):
        ds = ref.CITIES[c].districts
        home = ds[int(h * len(ds))]
        districts.append(home[0])
        regions.append(home[1] if same else ds[int(r * len(ds))][1])
    ids = resident_ids(np.array(regions), birth_day, male, rng)
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
    addresses = []
    for i, c in enumerate(city.tolist()):
        info = ref.CITIES[c]
        head = info.name if info.province in ref.MUNICIPALITIES else info.province + info.name
        addresses.append(f"{head}{districts[i]}{ref.ROADS[road[i]]}{num[i]}号{bld[i]}栋{unit[i]}单元{room[i]}室")
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
