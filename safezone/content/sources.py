"""Structured sources: what an item cites, precisely enough to be checked.

Every teaching item names the documents it rests on as a list of citations::

    source:
      - {kind: law, id: 道路交通安全法, year: 2021, article: 58}
      - {kind: standard, id: GB 17761, year: 2024}
      - {kind: guidance, by: 国家消防救援局, title: 消防安全科普（火场逃生常识）}

``kind`` is ``law`` (法律), ``regulation`` (行政法规、部门规章), ``standard`` (国家标准) or
``guidance`` (a named document of a national body). Laws, regulations and standards carry the
edition ``year`` (the latest amendment in force when the item was written) and, for laws and
regulations, the ``article`` where the item rests on one. ``content/standards.yml`` says which
editions are in force; :mod:`safezone.content.standards` checks citations against it.

A plain string is still read (``source: 《消防法》``) so that a small content folder without a
``standards.yml`` loads, but a folder that has one refuses it: the bank must be checkable.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

CitationKind = Literal["law", "regulation", "standard", "guidance"]
CITATION_KINDS: tuple[CitationKind, ...] = ("law", "regulation", "standard", "guidance")

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Write 1..9999 the way article numbers are written in Chinese law: 58 -> 五十八."""
    if not 0 < n < 10000:
        return str(n)
    parts: list[str] = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = (n // value) % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(_DIGITS[digit] + unit)
    text = "".join(parts)
    # 10..19 are written 十, 十一 … (not 一十一) when they stand alone.
    return text[1:] if text.startswith("一十") else text


def _not_blank(value: str, what: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "{what} must not be empty", {"what": what})
    return value.strip()


class _Citation(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ActCitation(_Citation):
    """A law (法律) or a regulation (行政法规、部门规章), optionally one article of it."""

    kind: Literal["law", "regulation"]
    #: Short name as listed in standards.yml, e.g. 道路交通安全法 (without 中华人民共和国).
    id: str
    #: Year of the edition (latest amendment) cited.
    year: int = Field(ge=1949, le=2100)
    article: int | None = Field(default=None, ge=1)

    @field_validator("id")
    @classmethod
    def _id_present(cls, value: str) -> str:
        return _not_blank(value, "id").strip("《》")


class StandardCitation(_Citation):
    """A national standard, e.g. GB 17761 of 2024 (written ``GB 17761-2024``)."""

    kind: Literal["standard"]
    #: Code without the year, e.g. ``GB 17761`` or ``GB/T 2893``.
    id: str = Field(pattern=r"^(GB|GB/T|GA|GA/T|JGJ|CJJ) \d+(\.\d+)?$")
    year: int = Field(ge=1949, le=2100)
    #: Clause number where the item rests on one, e.g. ``3.4.5``.
    clause: str | None = Field(default=None, pattern=r"^\d+(\.\d+)*$")


class GuidanceCitation(_Citation):
    """A named document or campaign of a national body, e.g. 国家反诈中心 防骗提示."""

    kind: Literal["guidance"]
    #: The issuing body, one of ``bodies`` in standards.yml.
    by: str
    title: str
    year: int | None = Field(default=None, ge=1949, le=2100)

    @field_validator("by", "title")
    @classmethod
    def _present(cls, value: str) -> str:
        return _not_blank(value, "guidance 'by' and 'title'")


class PlainCitation(_Citation):
    """The old free-text form (``source: 《消防法》``); refused wherever standards.yml exists."""

    kind: Literal["text"]
    text: str

    @field_validator("text")
    @classmethod
    def _present(cls, value: str) -> str:
        return _not_blank(value, "source")


Citation = Annotated[
    ActCitation | StandardCitation | GuidanceCitation | PlainCitation,
    Field(discriminator="kind"),
]


def _shorthand(data: Any) -> Any:
    # A plain string is the legacy form; one mapping is a list of one citation.
    if isinstance(data, (str, dict)):
        data = [data]
    if isinstance(data, list):
        return [{"kind": "text", "text": c} if isinstance(c, str) else c for c in data]
    return data


#: The ``source`` field of every teaching item: one or more citations.
Sources = Annotated[list[Citation], BeforeValidator(_shorthand), Field(min_length=1)]


def citation_label(citation: Any, title: str | None = None) -> str:
    """One citation as a reader sees it, e.g. 《中华人民共和国道路交通安全法》（2021）第五十八条.

    ``title`` is the full title from standards.yml when known.
    """
    if isinstance(citation, ActCitation):
        text = f"《{title or citation.id}》（{citation.year}）"
        return text + (f"第{chinese_number(citation.article)}条" if citation.article else "")
    if isinstance(citation, StandardCitation):
        name = f"《{title}》" if title else ""
        clause = f" 第 {citation.clause} 条" if citation.clause else ""
        return f"{name}({citation.id}-{citation.year}){clause}"
    if isinstance(citation, GuidanceCitation):
        return f"{citation.by} {citation.title}" + (f"（{citation.year}）" if citation.year else "")
    return str(getattr(citation, "text", citation))


def citation_key(citation: Any) -> str:
    """A short stable key for a citation, e.g. ``GB 17761-2024`` or ``道路交通安全法 2021 art. 58``."""
    if isinstance(citation, ActCitation):
        return f"{citation.id} {citation.year}" + (
            f" art. {citation.article}" if citation.article else ""
        )
    if isinstance(citation, StandardCitation):
        return f"{citation.id}-{citation.year}"
    return citation_label(citation)
