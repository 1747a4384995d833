from decimal import Decimal

from tools.grounding import allowed_numbers, numbers_in, ungrounded


def test_numbers_in_reads_amounts_dates_times_and_ignores_pseudonyms() -> None:
    text = "欠款 12,345.60 元，逾期 45 天，2026-11-04 19:00 前联系 <PERSON_1>，倾向 31%。"
    assert numbers_in(text) == ["2026-11-04", "19:00", "12345.6", "45", "31"]


def test_ungrounded_flags_only_invented_numbers() -> None:
    allowed = allowed_numbers([Decimal("12345.60"), 45, 0.31, "2026-11-04T19:00:00+08:00", "M3"])
    assert ungrounded("欠款 12345.60 元，逾期 45 天，倾向 31%", allowed) == []
    assert ungrounded("可减免 5000 元", allowed) == ["5000"]
    assert ungrounded("分 2 期", allowed) == []
    assert ungrounded("12,345.61", allowed) == ["12345.61"]


def test_numbers_right_against_chinese_text_are_seen() -> None:
    assert numbers_in("逾期45天，欠款3000元，19:30联系") == ["19:30", "45", "3000"]
    assert ungrounded("逾期45天", allowed_numbers([46])) == ["45"]


def test_allowed_numbers_walks_nested_dumps() -> None:
    allowed = allowed_numbers([{"a": {"b": [1500, "2026-11-04"]}, "c": None, "d": True}])
    assert {"1500", "2026-11-04"} <= allowed


def test_numbers_written_in_chinese_cannot_slip_past() -> None:
    allowed = allowed_numbers([{"months": 12, "monthly": "3000.00", "due": "2026-11-18"}])
    assert ungrounded("分十二期，每期三千元，11月18日前还", allowed) == []
    assert ungrounded("可以减免五千元", allowed) == ["5000"]
    assert ungrounded("请在11月20日前还款", allowed) == ["11", "20"]  # a date no tool gave
