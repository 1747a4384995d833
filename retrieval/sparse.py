"""BM25 sparse vectors over jieba tokens (Chinese) and words (English); Qdrant applies IDF (``Modifier.IDF``)."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import warnings
from collections import Counter
from functools import lru_cache

from pydantic import BaseModel

from tools.cn_numbers import digits_for_numerals

K1 = 1.2
B = 0.75
AVG_LEN = 120.0
"""Typical chunk length in tokens (an article of a rule); BM25's length normalisation is relative to it."""

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*|[\u4e00-\u9fff]+", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STOPWORDS = frozenset(
    "的 了 和 与 或 及 是 在 对 为 以 于 之 其 该 等 中 由 将 被 把 也 就 都 而 并 但 如 若 则 可 个 这 那 有 无 不 "
    "吗 呢 什么 怎么 哪些 如何 是否 可以 能否 需要 应当 多少 几 吧 啊 么 要 会 "
    "a an the of to in on at for by and or is are was be been it its this that what which how when who does do can "
    "may with as from under any not no if".split()
)
_DOMAIN_WORDS = (
    "催收",
    "贷后",
    "爆通讯录",
    "通讯录",
    "紧急联系人",
    "担保人",
    "委外",
    "外包",
    "催收机构",
    "暴力催收",
    "静默时段",
    "智能语音",
    "外呼",
    "接通",
    "有效通话",
    "拨打",
    "上门催收",
    "个人金融信息",
    "敏感个人信息",
    "单独同意",
    "委托处理",
    "消费者权益",
    "诉讼时效",
    "减免",
    "分期",
    "展期",
    "困难",
    "延期还款",
    "征信",
)
_jieba_lock = threading.Lock()
# A lone numeral before a measure word is a count (三次, 两人, 七天): written as a digit so it meets "3次" / "2人".
# 一 is left alone: far more often part of a word (一律, 一次性, 一个) than a count.
_LONE_COUNT = re.compile(r"([二两三四五六七八九十])(?=[次个人名天点日周月年条位遍])")
_LONE_DIGIT = {"二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
               "十": "10"}  # fmt: skip


class SparseVec(BaseModel):
    """Indices (hashed terms) and weights of a sparse vector."""

    indices: list[int]
    values: list[float]


@lru_cache(maxsize=1)
def _jieba() -> object:
    with warnings.catch_warnings():
        # jieba 0.42 has invalid escape sequences that Python 3.11 warns about when compiling it.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    with _jieba_lock:
        jieba.setLogLevel(logging.WARNING)
        for word in _DOMAIN_WORDS:
            jieba.add_word(word, freq=20000)
        jieba.initialize()
    return jieba


def normalise_numbers(text: str) -> str:
    """Chinese numerals as digits (二十八 -> 28, 晚上十点 -> 晚上10点, 三次 -> 3次), alike for documents and queries."""
    text = digits_for_numerals(text)
    return _LONE_COUNT.sub(lambda m: _LONE_DIGIT[m.group(1)], text)


def tokenize(text: str) -> list[str]:
    """Lower-cased English words and numbers, jieba search-mode tokens for Chinese runs; stopwords dropped.

    Chinese numerals are read as digits first (:func:`normalise_numbers`).
    """
    jieba = _jieba()
    tokens: list[str] = []
    for match in _WORD.finditer(normalise_numbers(text).lower()):
        piece = match.group(0)
        if _CJK.match(piece):
            tokens.extend(t for t in jieba.cut_for_search(piece) if t.strip())  # type: ignore[attr-defined]
        else:
            tokens.append(piece)
    return [t for t in tokens if t not in _STOPWORDS]


def term_index(term: str) -> int:
    """Stable 31-bit index of a term (blake2b), the same in every process and on every backend."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "big") & 0x7FFFFFFF


def _sparse(weights: dict[int, float]) -> SparseVec:
    items = sorted(weights.items())
    return SparseVec(indices=[i for i, _ in items], values=[v for _, v in items])


def document_vector(text: str) -> SparseVec:
    """BM25 term-frequency part of a document's vector; IDF is applied by Qdrant at query time."""
    tokens = tokenize(text)
    length = len(tokens) or 1
    norm = K1 * (1 - B + B * length / AVG_LEN)
    weights: dict[int, float] = {}
    for term, tf in Counter(tokens).items():
        idx = term_index(term)
        weights[idx] = weights.get(idx, 0.0) + tf * (K1 + 1) / (tf + norm)
    return _sparse(weights)


def query_vector(text: str) -> SparseVec:
    """One unit weight per distinct query term."""
    return _sparse({term_index(t): 1.0 for t in set(tokenize(text))})
