"""Small documents written on the fly for the retrieval tests."""

from __future__ import annotations

from pathlib import Path

REG_TEXT = """第一章 总则
第一条 为规范贷后催收行为，保护债务人合法权益，制定本办法。
第二条 本办法适用于辖内银行的个人贷款催收。
第二章 催收行为
第三条 每日二十二时至次日八时不得进行电话催收。
第四条 上门催收应当由两名以上工作人员进行：
（一）出示工作证件；
（二）全程录音录像。
"""

CONTRACT_TEXT = """个人消费贷款合同
第一条 借款金额为人民币十万元整。
第二条 借款年利率为百分之七点二，按月付息。
第三条 借款人逾期的，按合同利率加收百分之五十计收罚息。
第四条 本合同争议提交贷款人所在地人民法院诉讼解决。
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def text_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page text PDF (Helvetica, ASCII lines)."""
    ops = ["BT /F1 12 Tf 72 720 Td"]
    for i, line in enumerate(lines):
        if i:
            ops.append("0 -18 Td")
        ops.append(f"({line}) Tj")
    ops.append("ET")
    return _pdf(path, " ".join(ops).encode())


def blank_pdf(path: Path) -> Path:
    """A valid PDF page with no text at all."""
    return _pdf(path, b"0 0 m 100 100 l S")


def _pdf(path: Path, content: bytes) -> Path:
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out)
    return path


def encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = text_pdf(path.with_name("plain-" + path.name), ["Article 1 secret"])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("pw")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def docx_file(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
