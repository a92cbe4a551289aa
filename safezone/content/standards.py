"""What may be cited: ``content/standards.yml``, and the checks it makes possible.

The registry lists every law, regulation and standard the bank cites, with its editions (which
one is in force and what superseded what), how many articles it has, the parts of it that a
newer code replaced, the buildings or people it applies to, and the national bodies whose
guidance may be cited. ``claims`` pin facts the bank teaches to the article that states them,
so an item that credits a fact to the wrong document or article is refused.

:func:`check_item` turns all of that into ``(loc, message)`` pairs for the loader, which shows
them as ``path:line: message``. Reviews (``content/reviews.yml``: who checked an item, when,
against which revision of the registry) are read here too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from safezone.content.sources import (
    ActCitation,
    GuidanceCitation,
    PlainCitation,
    StandardCitation,
    chinese_number,
    citation_label,
)

STANDARDS_FILE = "standards.yml"
REVIEWS_FILE = "reviews.yml"

Loc = tuple[str | int, ...]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Edition(_Model):
    """One edition of a document: in force, or superseded by a later one."""

    year: int
    #: The day it took effect (for the current edition).
    in_force: dt.date | None = None
    #: Year of the edition that replaced this one; absent for the edition in force.
    superseded_by: int | None = None
    note: str | None = None


class SupersededPart(_Model):
    """Provisions of a document that a newer code replaced, recognised by words in the item."""

    #: A regular expression matched against the item's Chinese text.
    match: str
    #: The code that now governs, as ``<id>-<year>`` (e.g. ``GB 55037-2022``).
    by: str
    since: dt.date
    what: str

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class Scope(_Model):
    """Who or what a regulation applies to, so an item cannot stretch it to everyone."""

    applies_to: str
    #: Words that show the item states the scope (any one is enough) ...
    mention: list[str] = Field(min_length=1)
    #: ... or documents that apply everywhere, one of which the item must also cite.
    or_cite: list[str] = Field(default_factory=list)


class Document(_Model):
    """A law, regulation or national standard the bank may cite."""

    id: str
    kind: Literal["law", "regulation", "standard"]
    title: str
    editions: list[Edition] = Field(min_length=1)
    #: Number of articles in the edition in force (laws and regulations): a higher one is wrong.
    articles: int | None = Field(default=None, ge=1)
    #: What selected articles cover, for the review and for readers of the registry.
    article_topics: dict[int, str] = Field(default_factory=dict)
    superseded_parts: list[SupersededPart] = Field(default_factory=list)
    scope: Scope | None = None

    @model_validator(mode="after")
    def _one_current(self) -> Document:
        current = [e for e in self.editions if e.superseded_by is None]
        if len(current) != 1:
            raise ValueError(f"{self.id}: exactly one edition must be in force (no superseded_by)")
        years = {e.year for e in self.editions}
        for edition in self.editions:
            if edition.superseded_by is not None and edition.superseded_by not in years:
                raise ValueError(
                    f"{self.id}-{edition.year}: superseded_by {edition.superseded_by} "
                    "is not one of its editions"
                )
        return self

    @property
    def current(self) -> Edition:
        """The edition in force."""
        return next(e for e in self.editions if e.superseded_by is None)

    def edition(self, year: int) -> Edition | None:
        """The edition of ``year``, if the registry knows it."""
        return next((e for e in self.editions if e.year == year), None)

    def label(self, year: int | None = None) -> str:
        """``GB 17761-2024`` for a standard, ``《…》（2021）`` for a law or regulation."""
        year = self.current.year if year is None else year
        return f"{self.id}-{year}" if self.kind == "standard" else f"《{self.title}》（{year}）"


class ClaimCite(_Model):
    """A document (and article) a claim belongs to, or must not be credited to."""

    id: str
    article: int | None = None
    why: str | None = None


class Claim(_Model):
    """A fact the bank teaches, recognised by its words, and where it is (and is not) stated."""

    about: str
    #: Regular expressions; an item states the claim when its Chinese text matches all of them.
    match: list[str] = Field(min_length=1)
    #: Where the fact is stated: an item stating it and citing no such document is refused.
    cite: ClaimCite | None = None
    #: Documents (or articles) the fact is often wrongly credited to.
    not_in: list[ClaimCite] = Field(default_factory=list)

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            re.compile(pattern)
        return value

    def stated_by(self, text: str) -> bool:
        """True when ``text`` (the item's Chinese) states this claim."""
        return all(re.search(pattern, text) for pattern in self.match)


class Registry(_Model):
    """``content/standards.yml``."""

    kind: Literal["standards"]
    #: Revision of the registry; reviews name the revision they were made against.
    revision: str
    #: Earlier revisions, oldest first (a review against one of them is due again).
    earlier_revisions: list[str] = Field(default_factory=list)
    #: National bodies whose guidance the bank may cite.
    bodies: list[str] = Field(min_length=1)
    documents: list[Document] = Field(min_length=1)
    claims: list[Claim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Registry:
        ids = [d.id for d in self.documents]
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            raise ValueError(f"documents listed twice: {', '.join(doubles)}")
        return self

    def document(self, doc_id: str) -> Document | None:
        """The document with ``doc_id``, or None."""
        return next((d for d in self.documents if d.id == doc_id), None)

    def title_of(self, citation: Any) -> str | None:
        """The full title for a law, regulation or standard citation."""
        doc = self.document(getattr(citation, "id", "") or "")
        return doc.title if doc else None


class Review(_Model):
    """Who checked an item, when, and against which revision of standards.yml."""

    item: str
    by: str
    date: dt.date
    against: str
    note: str | None = None


class ReviewsFile(_Model):
    """``content/reviews.yml``."""

    kind: Literal["reviews"]
    reviews: list[Review] = Field(default_factory=list)


# --------------------------------------------------------------------------- checking items


def item_text(item: Any) -> str:
    """All Chinese text of an item (prompt, options, explanation, names …), one line each."""
    return "\n".join(_zh_strings(item))


def _zh_strings(value: Any) -> Iterator[str]:
    if isinstance(value, BaseModel):
        if set(type(value).model_fields) >= {"zh"}:  # Text
            yield value.zh  # type: ignore[attr-defined]
            return
        for name in type(value).model_fields:
            if name in ("source", "id", "image", "audio", "background", "icon"):
                continue
            yield from _zh_strings(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _zh_strings(item)
    elif isinstance(value, str):
        yield value


def _cites(citations: list[Any], want: Any) -> bool:
    for citation in citations:
        if getattr(citation, "id", None) == want.id and (
            want.article is None or getattr(citation, "article", None) == want.article
        ):
            return True
    return False


def _close(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_item(citations: list[Any] | None, item: Any, registry: Registry) -> list[tuple[Loc, str]]:
    """Every problem with an item's citations, as ``(loc under the item, message)``.

    ``citations`` is the item's ``source`` (None for a tip without one).
    """
    if not citations:
        return []
    text = item_text(item)
    problems: list[tuple[Loc, str]] = []
    doc_ids = {d.id for d in registry.documents}
    for index, citation in enumerate(citations):
        loc: Loc = ("source", index)
        where = f"source[{index}]"
        if isinstance(citation, PlainCitation):
            problems.append((loc, (
                f"{where}: a plain-text source ({citation.text!r}); write a structured citation: "
                "{kind: law|regulation|standard, id, year, article} or "
                "{kind: guidance, by, title} (see content/README.md)")))
            continue
        if isinstance(citation, GuidanceCitation):
            if citation.by not in registry.bodies:
                problems.append((loc, (
                    f"{where}: {citation.by!r} is not a national body listed under 'bodies' in "
                    f"{STANDARDS_FILE}{_close(citation.by, registry.bodies)}")))
            continue
        problems.extend(_check_document(citation, citations, text, registry, loc, where, doc_ids))
    for claim in registry.claims:
        if not claim.stated_by(text):
            continue
        for index, citation in enumerate(citations):
            for wrong in claim.not_in:
                if _cites([citation], wrong):
                    doc = registry.document(wrong.id)
                    name = doc.title if doc else wrong.id
                    art = f"第{chinese_number(wrong.article)}条" if wrong.article else ""
                    right = ""
                    if claim.cite is not None:
                        right = f"; it is {_claim_place(claim.cite, registry)}"
                    why = f" ({wrong.why})" if wrong.why else ""
                    problems.append((("source", index), (
                        f"source[{index}]: {claim.about} is not stated in 《{name}》{art}{why}{right}")))
        if claim.cite is not None and not _cites(citations, claim.cite):
            problems.append((("source",), (
                f"source: the item teaches that {claim.about}; that is "
                f"{_claim_place(claim.cite, registry)}: cite it")))
    return problems


def _claim_place(cite: ClaimCite, registry: Registry) -> str:
    doc = registry.document(cite.id)
    name = f"《{doc.title}》" if doc else cite.id
    return name + (f"第{chinese_number(cite.article)}条" if cite.article else "")


def _check_document(
    citation: ActCitation | StandardCitation,
    citations: list[Any],
    text: str,
    registry: Registry,
    loc: Loc,
    where: str,
    doc_ids: set[str],
) -> Iterator[tuple[Loc, str]]:
    doc = registry.document(citation.id)
    if doc is None:
        yield loc, (f"{where}: unknown {citation.kind} {citation.id!r}: list it (with its editions) "
                    f"in {STANDARDS_FILE}{_close(citation.id, sorted(doc_ids))}")
        return
    if doc.kind != citation.kind:
        yield loc, f"{where}: {citation.id} is a {doc.kind}, not a {citation.kind}"
    edition = doc.edition(citation.year)
    current = doc.current
    since = f", in force {current.in_force.isoformat()}" if current.in_force else ""
    if edition is None:
        known = ", ".join(str(e.year) for e in doc.editions)
        yield loc, (f"{where}: {citation.id} has no {citation.year} edition in {STANDARDS_FILE} "
                    f"(known: {known}; in force: {current.year})")
    elif edition.superseded_by is not None:
        yield loc, (f"{where}: {doc.label(citation.year)} is superseded by "
                    f"{doc.label(current.year)}{since}: check the item against the edition in "
                    "force and cite it")
    article = citation.article if isinstance(citation, ActCitation) else None
    if article is not None and doc.articles is not None and article > doc.articles:
        yield loc, (f"{where}: 《{doc.title}》 has {doc.articles} articles; article "
                    f"{article} (第{chinese_number(article)}条) does not exist")
    for part in doc.superseded_parts:
        if re.search(part.match, text):
            by_id = part.by.rsplit("-", 1)[0]
            by_doc = registry.document(by_id)
            by_title = f" 《{by_doc.title}》" if by_doc else ""
            yield loc, (f"{where}: {doc.id} no longer governs {part.what}: since "
                        f"{part.since.isoformat()} that is {part.by}{by_title}; cite it instead")
    if doc.scope is not None:
        states_scope = any(word in text for word in doc.scope.mention)
        cites_general = any(getattr(c, "id", None) in doc.scope.or_cite for c in citations)
        if not states_scope and not cites_general:
            also = f" or also cite {' / '.join(doc.scope.or_cite)}" if doc.scope.or_cite else ""
            yield loc, (f"{where}: 《{doc.title}》 applies only to {doc.scope.applies_to}: say so in "
                        f"the item (e.g. {doc.scope.mention[0]!r}){also}")


def citation_text(citation: Any, registry: Registry | None) -> str:
    """A citation as readers see it, with the full title when the registry knows it."""
    return citation_label(citation, registry.title_of(citation) if registry else None)


def sources_text(citations: list[Any] | None, registry: Registry | None) -> str:
    """All of an item's citations, joined with 「；」 as the bank used to write them."""
    return "；".join(citation_text(c, registry) for c in citations or [])
