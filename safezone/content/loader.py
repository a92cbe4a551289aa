"""Load every content file under a folder, keeping each valid item and reporting every problem.

Bad content never raises: each problem becomes ``path:line: message`` and the item it is in is
left out, while the valid items around it load. Only programmer errors (such as a content
root that does not exist) raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import Node

from safezone.content.bundle import ContentBundle, ContentLocation, summary
from safezone.content.messages import describe
from safezone.content.schema import (
    CONTENT_FILE_ADAPTER,
    KINDS,
    LIST_KINDS,
    TOPICS,
    AssetPath,
    Badge,
    CrossingLevel,
    HazardScene,
    Question,
    Sequence,
    SortSet,
    Tip,
)
from safezone.content.selection import select_questions
from safezone.content.standards import (
    REVIEWS_FILE,
    STANDARDS_FILE,
    Registry,
    ReviewsFile,
    check_item,
)
from safezone.content.yaml_source import (
    Loc,
    SourceError,
    decode_utf8,
    duplicate_keys,
    format_loc,
    locate,
    parse_yaml,
)

__all__ = [
    "DEFAULT_ASSETS_ROOT",
    "DEFAULT_CONTENT_ROOT",
    "ContentBundle",
    "LoadResult",
    "Problem",
    "load_content",
    "select_questions",
    "summary",
]

_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTENT_ROOT = _REPO_ROOT / "content"
DEFAULT_ASSETS_ROOT = _REPO_ROOT / "assets"
CONTENT_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, shown as ``path:line: message``."""

    path: Path
    line: int
    message: str
    #: The content kind of the file (its ``kind:``), when the file says; a front end uses it to
    #: know which game lost content (the kiosk leaves that game out). Not part of the order.
    kind: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class LoadResult:
    """The valid content and every problem found, sorted by file and line."""

    bundle: ContentBundle
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def load_content(root: Path, assets_root: Path | None = None) -> LoadResult:
    """Load every ``*.yml``/``*.yaml`` file under ``root`` (hidden folders are skipped).

    Image and audio paths are checked relative to ``assets_root`` (default: the repo's
    ``assets/``). Raises ``NotADirectoryError`` only when ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"content root is not a folder: {root}")
    loader = _Loader(Path(assets_root) if assets_root is not None else DEFAULT_ASSETS_ROOT)
    # standards.yml and reviews.yml describe the items rather than being items: the registry is
    # read first so every item is checked against it, the reviews last so they can name items.
    standards, reviews = root / STANDARDS_FILE, root / REVIEWS_FILE
    files = sorted(p for p in _content_files(root) if p not in (standards, reviews))
    if not files:
        loader.problem(root, 1, f"no content files (*.yml) found in {root}")
    if standards.is_file():
        loader.load_registry(standards)
    for path in files:
        loader.load_file(path)
    if reviews.is_file():
        loader.load_reviews(reviews)
    return LoadResult(bundle=loader.bundle, problems=sorted(loader.problems))


_KIND_LINE = re.compile(rb"^kind:[ \t]*([a-z_]+)[ \t]*(?:#.*)?$", re.MULTILINE)


def _declared_kind(raw: bytes) -> str | None:
    """The ``kind:`` a file that does not parse names on a line of its own, if a known one."""
    match = _KIND_LINE.search(raw)
    kind = match.group(1).decode("ascii") if match is not None else None
    return kind if kind in KINDS else None


def _content_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in CONTENT_SUFFIXES and path.is_file():
            yield path


def _display_path(path: Path, cwd: Path) -> Path:
    """The path relative to the working directory when it is inside it, else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(cwd)
    except ValueError:
        return absolute


def _walk_assets(value: Any, loc: Loc) -> Iterator[tuple[Loc, AssetPath]]:
    """Yield every asset path inside a validated model, with its location."""
    if isinstance(value, AssetPath):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk_assets(getattr(value, name), (*loc, name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk_assets(item, (*loc, index))


class _FileContext:
    """One file being loaded: where to report, and its node tree for line numbers."""

    def __init__(self, loader: _Loader, path: Path, node: Node, kind: str | None) -> None:
        self.loader = loader
        self.path = path
        self.node = node
        self.kind = kind
        #: The parsed data (set for standards.yml and reviews.yml).
        self.data: dict[str, Any] = {}

    def report(self, loc: Loc, message: str) -> None:
        line, _ = locate(self.node, loc)
        self.loader.problem(self.path, line, message, kind=self.kind)

    def report_validation(self, exc: ValidationError, prefix: Loc, strip_tag: bool = False) -> None:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if strip_tag:  # the discriminated union puts the kind first: ('sequence', 'steps')
                loc = loc[1:]
            line, found = locate(self.node, (*prefix, *loc))
            self.loader.problem(self.path, line, describe({**error, "loc": loc}, found), kind=self.kind)

    def assets_ok(self, item: BaseModel, prefix: Loc) -> bool:
        ok = True
        for loc, asset in _walk_assets(item, prefix):
            if not (self.loader.assets_root / asset).is_file():
                ok = False
                self.report(
                    loc,
                    f"{format_loc(loc)}: {asset.kind} file not found: {asset} "
                    f"(looked in {self.loader.show(self.loader.assets_root)})",
                )
        return ok

    def citations_ok(self, item: BaseModel, prefix: Loc) -> bool:
        """Check the item's sources against standards.yml; False (and problems) when refused."""
        registry = self.loader.bundle.standards
        if registry is None:
            return True
        if "source" not in type(item).model_fields:
            return True  # badges teach nothing and cite nothing
        if getattr(item, "source", None) is None:
            # With a registry every teaching item must be checkable, tips included.
            self.report(prefix, "missing 'source': every item must cite what it teaches "
                        f"(a structured citation; see {STANDARDS_FILE})")
            return False
        problems = check_item(getattr(item, "source", None), item, registry)
        for loc, message in problems:
            self.report((*prefix, *loc), message)
        return not problems

    def claim_id(self, raw: Any, prefix: Loc) -> bool:
        """Record the item's id; False (and a problem) when another item already has it.

        Items with schema errors claim their id too, so a clash is reported in the same run.
        """
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(item_id, str):
            return True  # no usable id: the schema error says so
        line, _ = locate(self.node, (*prefix, "id"))
        first = self.loader.ids.get(item_id)
        if first is not None:
            self.loader.problem(
                self.path, line, f"duplicate id {item_id!r}: already used at {first}", kind=self.kind
            )
            return False
        self.loader.ids[item_id] = ContentLocation(self.loader.show(self.path), line)
        return True


class _Loader:
    def __init__(self, assets_root: Path) -> None:
        self.assets_root = assets_root
        self.bundle = ContentBundle()
        self.problems: list[Problem] = []
        #: Every id seen so far, valid item or not, and where.
        self.ids: dict[str, ContentLocation] = {}
        self._cwd = Path.cwd().resolve()

    def show(self, path: Path) -> Path:
        return _display_path(path, self._cwd)

    def problem(self, path: Path, line: int, message: str, kind: str | None = None) -> None:
        self.problems.append(Problem(self.show(path), line, message, kind))

    def _parse(self, path: Path) -> _FileContext | None:
        """Read and parse a file, reporting why not; None when it holds nothing usable."""
        try:
            parsed = parse_yaml(decode_utf8(path.read_bytes()))
        except OSError as exc:
            self.problem(path, 1, f"cannot read file: {exc.strerror or exc}")
            return None
        except SourceError as exc:
            self.problem(path, exc.line, exc.message)
            return None
        if parsed is None or not isinstance(parsed.data, dict):
            self.problem(path, 1, "expected a mapping starting with 'kind: ...'")
            return None
        file = _FileContext(self, path, parsed.node, None)
        for loc, key, first, repeated in duplicate_keys(parsed.node):
            self.problem(path, repeated, f"{format_loc((*loc, key))}: duplicate key {key!r} "
                         f"(first at line {first}); YAML keeps only the last one")
        file.data = parsed.data
        return file

    def load_registry(self, path: Path) -> None:
        """Read standards.yml; with problems, items are still loaded but not checked."""
        file = self._parse(path)
        if file is None:
            return
        try:
            self.bundle.standards = Registry.model_validate(file.data)
        except ValidationError as exc:
            file.report_validation(exc, ())

    def load_reviews(self, path: Path) -> None:
        """Read reviews.yml: each review must name a loaded item and a registry revision."""
        file = self._parse(path)
        if file is None:
            return
        reviews = file.data.get("reviews")
        try:
            ReviewsFile.model_validate({**file.data, "reviews": []})
        except ValidationError as exc:
            file.report_validation(exc, ())
            return
        if not isinstance(reviews, list):
            file.report(("reviews",), "reviews: expected a list of '- ' lines")
            return
        registry = self.bundle.standards
        revisions = (
            [registry.revision, *registry.earlier_revisions] if registry is not None else None
        )
        for index, raw in enumerate(reviews):
            try:
                review = ReviewsFile.model_validate(
                    {"kind": "reviews", "reviews": [raw]}).reviews[0]
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    loc = ("reviews", index, *error["loc"][2:])
                    line, found = locate(file.node, loc)
                    self.problem(path, line, describe({**error, "loc": loc}, found))
                continue
            if review.item not in self.ids:
                file.report(("reviews", index, "item"),
                            f"reviews[{index}].item: no content item has the id {review.item!r}")
            elif revisions is not None and review.against not in revisions:
                file.report(("reviews", index, "against"),
                            f"reviews[{index}].against: {review.against!r} is not a revision of "
                            f"{STANDARDS_FILE} (known: {', '.join(revisions)})")
            else:
                previous = self.bundle.reviews.get(review.item)
                if previous is None or previous.date <= review.date:
                    self.bundle.reviews[review.item] = review

    def load_file(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problem(path, 1, f"cannot read file: {exc.strerror or exc}")
            return
        try:
            parsed = parse_yaml(decode_utf8(raw))
        except SourceError as exc:
            self.problem(path, exc.line, exc.message, kind=_declared_kind(raw))
            return
        if parsed is None or parsed.data is None:  # nothing, comments, or a bare '---'
            self.problem(
                path,
                1,
                f"empty file: expected a mapping starting with 'kind: ...' "
                f"(one of {', '.join(KINDS)})",
            )
            return
        data = parsed.data
        declared = data.get("kind") if isinstance(data, dict) else None
        file = _FileContext(self, path, parsed.node, declared if declared in KINDS else None)
        if not isinstance(data, dict):
            file.report(
                (), f"a content file must be a mapping with a 'kind' key, got {type(data).__name__}"
            )
            return

        # Repeated keys are invisible after parsing; remember where they are to drop the item.
        bad_locs: list[Loc] = []
        for loc, key, first, repeated in duplicate_keys(parsed.node):
            bad_locs.append(loc)
            self.problem(
                path,
                repeated,
                f"{format_loc((*loc, key))}: duplicate key {key!r} "
                f"(first at line {first}); YAML keeps only the last one",
                kind=file.kind,
            )

        kind = data.get("kind")
        if "kind" not in data:
            file.report((), f"missing 'kind': expected one of {', '.join(KINDS)}")
        elif not isinstance(kind, str) or kind not in KINDS:
            file.report(("kind",), f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
        elif kind in LIST_KINDS:
            self._load_list_file(file, kind, data, bad_locs)
        else:
            self._load_single_file(file, data, bad_locs)

    def _load_single_file(self, file: _FileContext, data: dict[str, Any], bad: list[Loc]) -> None:
        id_free = file.claim_id(data, ())
        try:
            item = CONTENT_FILE_ADAPTER.validate_python(data)
        except ValidationError as exc:
            file.report_validation(exc, (), strip_tag=True)
            return
        if file.assets_ok(item, ()) & file.citations_ok(item, ()) and id_free and not bad:
            self._add(item)

    def _load_list_file(
        self, file: _FileContext, kind: str, data: dict[str, Any], bad: list[Loc]
    ) -> None:
        header_model, key, item_model = LIST_KINDS[kind]
        header_ok = () not in bad  # a repeated top-level key: the header is unreliable
        try:
            header = header_model.model_validate({k: v for k, v in data.items() if k != key})
        except ValidationError as exc:
            file.report_validation(exc, ())
            header, header_ok = None, False
        items = data.get(key)
        if key not in data:
            file.report((), f"missing required field {key!r}: the list of {key}")
            return
        if not isinstance(items, list):
            file.report((key,), f"{key}: expected a list of '- ' lines, got {type(items).__name__}")
            return
        if not items:
            file.report((key,), f"{key}: the list is empty")
            return
        context: dict[str, Any] = {}
        if kind == "questions":
            # With a broken header the items are still checked (against a stand-in topic) so
            # the author sees all problems at once, but none are loaded.
            context["bank_topic"] = getattr(header, "topic", TOPICS[0])
        for index, raw in enumerate(items):
            prefix: Loc = (key, index)
            id_free = file.claim_id(raw, prefix)
            try:
                item = item_model.model_validate(raw, context=context)
            except ValidationError as exc:
                file.report_validation(exc, prefix)
                continue
            item_bad = any(loc[:2] == prefix for loc in bad)
            checked = file.assets_ok(item, prefix) & file.citations_ok(item, prefix)
            if checked and id_free and not item_bad and header_ok:
                self._add(item)

    def _add(self, item: Any) -> None:
        bundle = self.bundle
        bundle.locations[item.id] = self.ids[item.id]
        if isinstance(item, Question):
            bundle.add_question(item)
        elif isinstance(item, HazardScene):
            bundle.hazard_scenes[item.id] = item
        elif isinstance(item, SortSet):
            bundle.sort_sets[item.id] = item
        elif isinstance(item, Sequence):
            bundle.sequences[item.id] = item
        elif isinstance(item, CrossingLevel):
            bundle.crossing_levels[item.id] = item
        elif isinstance(item, Tip):
            bundle.tips[item.id] = item
        elif isinstance(item, Badge):
            bundle.badges[item.id] = item
        else:  # a new kind added to the schema but not here
            raise TypeError(f"no index for content item of type {type(item).__name__}")
