from pathlib import Path

import pytest

from retrieval.chunking import MAX_CHARS, chunk_blocks, split_long
from retrieval.partition import Block, IngestError, partition_file
from tests.test_retrieval.docs import (
    CONTRACT_TEXT,
    REG_TEXT,
    blank_pdf,
    docx_file,
    encrypted_pdf,
    text_pdf,
    write,
)

MB = 2**20


def test_regulation_chunks_follow_chapters_articles_and_keep_items() -> None:
    chunks = chunk_blocks([Block(text=REG_TEXT)], "regulation")
    assert [c.article for c in chunks] == ["第一条", "第二条", "第三条", "第四条"]
    assert chunks[0].heading == "第一章 总则"
    assert chunks[3].heading == "第二章 催收行为"
    assert "（一）出示工作证件" in chunks[3].text and "（二）全程录音录像" in chunks[3].text


def test_us_sections_and_contract_clauses() -> None:
    us = chunk_blocks(
        [Block(text="§ 1006.6(b)(1) Inconvenient times."), Block(text="§ 1006.14(b)(2) Seven calls in seven days.")],
        "regulation",
    )
    assert [c.article for c in us] == ["§1006.6(b)(1)", "§1006.14(b)(2)"]
    numbered = chunk_blocks([Block(text="1. 借款金额十万元。\n2. 年利率7.2%。\n2.1 按月付息。")], "contract")
    assert [c.article for c in numbered] == ["1", "2", "2.1"]
    cn = chunk_blocks([Block(text=CONTRACT_TEXT)], "contract")
    assert [c.article for c in cn] == ["第一条", "第二条", "第三条", "第四条"]


def test_unstructured_text_becomes_windows_and_long_articles_split() -> None:
    plain = chunk_blocks([Block(text="没有条款编号的一段说明文字。" * 10)], "regulation")
    assert len(plain) == 1 and plain[0].article == ""
    long_article = "第一条 " + "催收应当合法合规。" * 200
    parts = chunk_blocks([Block(text=long_article + "\n第二条 短条文。")], "regulation")
    assert len(parts) > 2 and all(len(p.text) <= MAX_CHARS for p in parts)
    assert {p.article for p in parts[:-1]} == {"第一条"}
    assert split_long("x" * 1500, 700) == ["x" * 700, "x" * 700, "x" * 100]


def test_each_supported_format_partitions(tmp_path: Path) -> None:
    files = [
        write(tmp_path / "a.txt", REG_TEXT),
        write(tmp_path / "a.md", "# 办法\n\n## 第一条 总则\n\n催收不得使用暴力。\n"),
        write(tmp_path / "a.html", "<html><body><h1>合同</h1><p>第一条 借款金额为十万元。</p></body></html>"),
        write(
            tmp_path / "a.eml",
            "From: a@example.com\nTo: b@example.com\nSubject: notice\n"
            "Content-Type: text/plain; charset=utf-8\n\n第一条 请按时还款。\n",
        ),
        docx_file(tmp_path / "a.docx", ["第一条 借款人应按期还款。", "第二条 逾期后可以催收。"]),
        text_pdf(tmp_path / "a.pdf", ["Article 1 The debtor shall repay on time.", "Article 2 No calls after 9 pm."]),
    ]
    for path in files:
        blocks = partition_file(path, 10 * MB)
        joined = " ".join(b.text for b in blocks)
        assert ("第一条" in joined) or ("Article 1" in joined), path.name
    pdf_blocks = partition_file(tmp_path / "a.pdf", 10 * MB)
    assert pdf_blocks[0].page == 1


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("empty.pdf", lambda p: p.write_bytes(b""), "empty"),
        ("corrupt.pdf", lambda p: p.write_bytes(b"%PDF-1.4\nthis is not a pdf"), "corrupt PDF"),
        ("locked.pdf", encrypted_pdf, "encrypted"),
        ("blank.pdf", blank_pdf, "no text"),
        ("blank.txt", lambda p: p.write_text("   \n\n  "), "no text"),
        ("sheet.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"), "unsupported file type"),
        ("missing.txt", lambda p: None, "not found"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, name: str, make, message: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(IngestError, match=message):
        partition_file(path, 10 * MB)


def test_a_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:
        fh.truncate(200 * MB)  # sparse file: instant, no disk used
    with pytest.raises(IngestError, match="200.0 MiB, over the 100 MiB limit"):
        partition_file(path, 100 * MB)
