"""Seeded generators of synthetic identities: valid ones, and look-alikes that must not be flagged."""

from __future__ import annotations

import datetime as dt
import random

from core.privacy.checksums import PROVINCE_CODES, luhn_check_digit, luhn_ok, resident_id_check_char
from core.privacy.lexicon import COMPOUND_SURNAMES, PROVINCES, SINGLE_SURNAMES

GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然子轩梓涵欣怡晨阳俊博雪梅海燕"
_SINGLE = sorted(SINGLE_SURNAMES)[:200]
_COMPOUND = sorted(COMPOUND_SURNAMES)
CITIES = (
    "杭州",
    "南京",
    "广州",
    "深圳",
    "成都",
    "武汉",
    "西安",
    "长沙",
    "郑州",
    "济南",
    "合肥",
    "福州",
    "昆明",
    "苏州",
)
DISTRICTS = ("西湖", "鼓楼", "天河", "南山", "武侯", "江汉", "雁塔", "岳麓", "金水", "历下", "蜀山", "台江", "五华")
ROADS = ("文三", "中山", "人民", "解放", "建设", "和平", "滨江", "科技", "学院", "长江", "黄河", "新华", "朝阳")
DOMAINS = ("example.com", "mail.example.cn", "qq.example.com", "163.example.net", "corp.example.org")


class Synth:
    """One seeded source of synthetic values."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def _birth(self) -> dt.date:
        return dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 55))

    def resident_id(self) -> str:
        """A valid 18-character ID (real province code, real birth date, right check character)."""
        province = self.rng.choice(sorted(PROVINCE_CODES - {71, 81, 82, 83}))
        region = f"{province:02d}{self.rng.randrange(1, 99):02d}{self.rng.randrange(1, 30):02d}"
        first17 = region + self._birth().strftime("%Y%m%d") + f"{self.rng.randrange(0, 1000):03d}"
        return first17 + resident_id_check_char(first17)

    def bad_resident_id(self) -> str:
        """An 18-digit string shaped like an ID but with a wrong check character (and not a Luhn number)."""
        rid = self.resident_id()
        while True:
            wrong = self.rng.choice([c for c in "0123456789" if c != rid[17]])
            candidate = rid[:17] + wrong
            if not luhn_ok(candidate):
                return candidate

    def mobile(self) -> str:
        """A mobile number in one of the spellings people type."""
        digits = f"1{self.rng.choice('3456789')}{self.rng.randrange(0, 10**9):09d}"
        style = self.rng.randrange(6)
        if style == 1:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if style == 2:
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        if style == 3:
            return f"+86 {digits}"
        if style == 4:
            return f"+86-{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        return digits

    def landline(self) -> str:
        """A landline with area code."""
        area = self.rng.choice(["010", "021", "020", "0571", "0755", "028", "0731"])
        local = f"{self.rng.randrange(2, 10)}{self.rng.randrange(0, 10**7):07d}"
        if len(area) == 4:
            local = local[:7]
        return self.rng.choice([f"{area}-{local}", f"({area}){local}", f"{area} {local}"])

    def _card_digits(self, valid: bool) -> str:
        length = self.rng.choice([16, 16, 16, 17, 18, 19])
        prefix = self.rng.choice(["62", "4", "5", "60"])
        body = prefix + "".join(str(self.rng.randrange(10)) for _ in range(length - len(prefix) - 1))
        check = luhn_check_digit(body)
        if not valid:
            check = str((int(check) + self.rng.randrange(1, 10)) % 10)
        return body + check

    def bank_card(self) -> str:
        """A Luhn-valid card number, grouped by four or not."""
        digits = self._card_digits(True)
        if self.rng.random() < 0.4:
            return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        return digits

    def bad_bank_card(self) -> str:
        """A 16-19 digit number that fails Luhn."""
        return self._card_digits(False)

    def email(self) -> str:
        """An e-mail address on a reserved example domain."""
        local = "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(self.rng.randrange(3, 9)))
        sep = self.rng.choice(["", ".", "_", ""])
        return f"{local}{sep}{self.rng.randrange(1, 9999) if sep else ''}@{self.rng.choice(DOMAINS)}"

    def name(self) -> str:
        """A Chinese name: surname (sometimes compound) and one or two given-name characters."""
        surname = self.rng.choice(_COMPOUND) if self.rng.random() < 0.05 else self.rng.choice(_SINGLE)
        return surname + "".join(self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice([1, 2, 2])))

    def address(self) -> str:
        """Province (sometimes), city, district, road and number, sometimes a flat."""
        parts = []
        if self.rng.random() < 0.5:
            parts.append(self.rng.choice(PROVINCES[4:20]) + "省")
        parts.append(self.rng.choice(CITIES) + "市")
        parts.append(self.rng.choice(DISTRICTS) + "区")
        parts.append(f"{self.rng.choice(ROADS)}{self.rng.choice(['路', '街', '大道'])}{self.rng.randrange(1, 999)}号")
        if self.rng.random() < 0.5:
            parts.append(
                f"{self.rng.randrange(1, 30)}栋{self.rng.randrange(1, 6)}单元{self.rng.randrange(101, 2999)}室"
            )
        return "".join(parts)

    def amount(self) -> str:
        """A money amount as written in notes."""
        value = self.rng.randrange(100, 5_000_000)
        return self.rng.choice([f"{value}元", f"{value:,}.{self.rng.randrange(100):02d}元", f"人民币{value}.00元"])

    def date(self) -> str:
        """A date in one of the usual spellings."""
        d = dt.date(2018, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 2500))
        return self.rng.choice([d.isoformat(), d.strftime("%Y%m%d"), f"{d.year}年{d.month}月{d.day}日"])

    def case_id(self) -> str:
        """A case id such as ``C000123``."""
        return f"C{self.rng.randrange(0, 10**6):06d}"

    def contract_no(self) -> str:
        """A loan contract number such as ``HT2023010100012345``."""
        return (
            f"{self.rng.choice(['HT', 'JK', 'XD'])}{self.rng.randrange(2015, 2025)}{self.rng.randrange(10**9, 10**10)}"
        )
