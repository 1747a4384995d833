"""Capitals, dates, LPR, limits, parsing with offsets, rules against generated truth, bad input."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from agents.extraction import extract_contract
from core.capitals import CapitalsError, parse_capitals, to_capitals
from core.synth.contracts import STYLES, draw_truth, write_contract
from core.synth.contracts.render import render_lines
from evals.targets.extraction import extracted_values, truth_values
from tools.extraction.document import ContractInputError, document_from_text, load_contract
from tools.extraction.patterns import parse_date
from tools.extraction.rules import extract_rules
from tools.legal.limits import check_terms, private_lending_cap
from tools.legal.lpr import LprUnknownError, lpr_on

CAPITALS = [
    ("100000", "壹拾万元整"),
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("1005.30", "壹仟零伍元叁角"),
    ("10.05", "壹拾元零伍分"),
    ("0.50", "伍角"),
    ("100050000", "壹亿零伍万元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("0", "零元整"),
]


@pytest.mark.parametrize(("figures", "capitals"), CAPITALS)
def test_capitals_both_ways(figures: str, capitals: str) -> None:
    assert to_capitals(Decimal(figures)) == capitals
    assert parse_capitals(capitals) == Decimal(figures)


def test_capitals_variants_and_round_trip() -> None:
    assert parse_capitals("人民币拾万元整") == Decimal("100000.00")
    assert parse_capitals("壹仟伍元叁角整") == Decimal("1005.30")  # 零 left out, 整 after 角
    rng = random.Random(3)
    for _ in range(5000):
        value = Decimal(rng.randrange(0, 10**13)) / 100
        assert parse_capitals(to_capitals(value)) == value


@pytest.mark.parametrize("bad", ["", "壹拾万", "壹佰壹仟元", "壹贰元", "一百元", "壹拾元X"])
def test_capitals_refuses_malformed(bad: str) -> None:
    with pytest.raises(CapitalsError):
        parse_capitals(bad)


def test_capitals_refuses_fractions_of_fen_and_negatives() -> None:
    with pytest.raises(CapitalsError):
        to_capitals(Decimal("1.005"))
    with pytest.raises(CapitalsError):
        to_capitals(Decimal("-1"))


@pytest.mark.parametrize("text", ["2023年3月5日", "2023-03-05", "2023/3/5", "2023.03.05", "二〇二三年三月五日"])
def test_dates_in_chinese_and_iso_forms(text: str) -> None:
    assert parse_date(text) == dt.date(2023, 3, 5)


def test_chinese_numeral_dates_with_tens() -> None:
    assert parse_date("二〇二一年十二月三十一日") == dt.date(2021, 12, 31)
    with pytest.raises(ValueError):
        parse_date("2023年2月30日")


def test_lpr_table_and_caps() -> None:
    assert lpr_on(dt.date(2023, 7, 1)).rate == Decimal("0.0355")
    assert lpr_on(dt.date(2023, 6, 20)).announced == dt.date(2023, 6, 20)
    with pytest.raises(LprUnknownError):
        lpr_on(dt.date(2018, 1, 1))
    with pytest.raises(LprUnknownError):
        lpr_on(dt.date(2030, 1, 1))
    assert private_lending_cap(dt.date(2023, 7, 1)).annual == Decimal("0.142")
    legacy = private_lending_cap(dt.date(2019, 1, 1))
    assert legacy.annual == Decimal("0.24") and legacy.void_above == Decimal("0.36")
    unknown = private_lending_cap(dt.date(2030, 1, 1))
    assert unknown.annual is None and not unknown.verified


CONTRACT = """个人消费借款合同
合同编号：QH2023-0001
贷款人（甲方）：青禾银行股份有限公司
借款人（乙方）：张三丰
身份证号码：110101199001011237
第一条 借款金额
借款金额为人民币（大写）壹拾万元整（小写：￥{figures}）。
第二条 借款期限
借款期限为12个月，自2023年7月1日起至2024年7月1日止。
第三条 借款利率
年利率为{rate}%（单利）。
第五条 逾期罚息
逾期之日起按本合同约定利率上浮50%计收罚息。
签订日期：2023年7月1日
"""


def test_checks_flag_usury_and_capitals_mismatch() -> None:
    doc = document_from_text(CONTRACT.format(figures="110,000.00", rate="18"))
    terms, _ = extract_rules(doc)
    codes = {f.code: f for f in check_terms(terms)}
    assert "principal_mismatch" in codes
    assert codes["rate_above_cap"].rule == "cn-spc-private-lending/interest-cap"
    assert codes["rate_above_cap"].verified is False  # the LPR table is marked unverified
    assert "cost_above_24pct" in codes  # penalty 27% a year
    clean = document_from_text(CONTRACT.format(figures="100,000.00", rate="4").replace("上浮50%", "上浮30%"))
    assert check_terms(extract_rules(clean)[0]) == []


def test_spans_point_at_the_quoted_text() -> None:
    doc = document_from_text(CONTRACT.format(figures="100,000.00", rate="4"))
    terms, _ = extract_rules(doc)
    for item in (terms.principal, terms.principal_capitals, terms.annual_rate, terms.start_date, terms.signing_date):
        assert item is not None
        assert doc.text[item.span.start : item.span.end] == item.span.quote
    assert terms.principal is not None and terms.principal.value.amount == Decimal("100000.00")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("file_format", ["pdf", "docx", "txt"])
def test_generated_contract_round_trips(tmp_path: Path, style: str, file_format: str) -> None:
    # A stable seed per case (str hashes change between processes, which made this test draw new contracts).
    truth = draw_truth(random.Random(zlib.crc32(f"{style}/{file_format}".encode())), 1, style)  # type: ignore[arg-type]
    sample = write_contract(truth, tmp_path / f"c.{file_format}", file_format)  # type: ignore[arg-type]
    result, vault = asyncio.run(extract_contract(sample.path, None))
    assert extracted_values(result.terms, vault) == truth_values(sample.truth)
    assert not result.model_used and any("no model server" in n.reason for n in result.notes)
    raw = result.model_dump_json()
    assert truth.borrower.name not in raw and truth.borrower.resident_id not in raw
    assert result.terms.borrower is not None and result.terms.borrower.value.name == "<PERSON_1>"
    if file_format == "pdf":
        assert result.terms.principal is not None and result.terms.principal.span.page == 1


def test_long_pdf_keeps_pages(tmp_path: Path) -> None:
    truth = draw_truth(random.Random(5), 2, "property_backed", long=True)
    sample = write_contract(truth, tmp_path / "long.pdf", "pdf")
    assert 80_000 < sample.chars <= 100_000
    doc = load_contract(sample.path)
    assert doc.pages > 50
    terms, _ = extract_rules(doc)
    assert terms.signing_date is not None and terms.signing_date.span.page == doc.pages
    assert terms.signing_date.value == truth.signing_date


def _pdf_without_text(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 200, 200, fill=1)
    c.save()


def test_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    scanned = tmp_path / "scan.pdf"
    _pdf_without_text(scanned)
    with pytest.raises(ContractInputError, match="OCR"):
        load_contract(scanned)

    from pypdf import PdfWriter

    truth = draw_truth(random.Random(1), 1, "consumer_loan")
    plain = write_contract(truth, tmp_path / "plain.pdf", "pdf").path
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(ContractInputError, match="encrypted"):
        load_contract(locked)

    english = tmp_path / "en.txt"
    english.write_text("This Loan Agreement is made between the Lender and the Borrower.\n" * 20)
    with pytest.raises(ContractInputError, match="English"):
        load_contract(english)
    menu = tmp_path / "menu.txt"
    menu.write_text("今日菜单\n宫保鸡丁 二十八元\n鱼香肉丝 二十六元\n" * 5, encoding="utf-8")
    with pytest.raises(ContractInputError, match="loan contract"):
        load_contract(menu)
    huge = tmp_path / "huge.txt"
    huge.write_text("\n".join(render_lines(truth)) + "\n" + "借款合同条款。" * 15_000, encoding="utf-8")
    with pytest.raises(ContractInputError, match="100,000"):
        load_contract(huge)
    with pytest.raises(ContractInputError, match="unsupported"):
        load_contract(tmp_path / "x.xlsx")


def test_extraction_prompts_format_with_their_placeholders() -> None:
    import string

    import prompts.extraction as module

    templates = {n: v for n, v in vars(module).items() if n.isupper() and isinstance(v, str)}
    assert set(templates) == {"EXTRACT_SYSTEM", "EXTRACT_POLICY", "EXTRACT_CHUNK", "EXTRACT_QUESTION"}
    for template in templates.values():
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        rendered = template.format(**{f: f"<{f}>" for f in fields})
        assert all(f"<{f}>" in rendered for f in fields)
    assert {f for _, f, _, _ in string.Formatter().parse(module.EXTRACT_CHUNK) if f} == {"part", "parts", "text"}


@pytest.mark.parametrize("seed", [14, 245, 336, 378, 420])
def test_wrapped_decimal_is_not_a_heading(tmp_path: Path, seed: int) -> None:
    """PDF lines that start with a decimal ("206.55平方米…") continue the previous line (seeds that once failed)."""
    truth = draw_truth(random.Random(seed), 1, "property_backed")
    sample = write_contract(truth, tmp_path / "c.pdf", "pdf")
    result, vault = asyncio.run(extract_contract(sample.path, None))
    assert extracted_values(result.terms, vault) == truth_values(sample.truth)
