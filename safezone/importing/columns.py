"""The columns a resident list may have, under their Chinese and English headers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One known column: its canonical key, display headers and whether every row needs it."""

    key: str
    zh: str
    en: str
    required: bool
    #: Other spellings people use in their spreadsheets.
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``姓名/name``: how messages name the column."""
        return f"{self.zh}/{self.en}"


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "name", True, ("full name", "full_name", "名字")),
    Column("nickname", "昵称", "nickname", False),
    Column("plot", "地块", "plot", True, ("地块号",)),
    Column("building", "楼栋", "building", True, ("栋", "楼号", "栋号")),
    Column("unit", "单元", "unit", True, ("单元号",)),
    Column("room", "门牌", "room", True, ("门牌号", "房号", "房间号")),
    Column("age_group", "年龄段", "age_group", True, ("age group",)),
    Column("birth_year", "出生年份", "birth_year", False, ("birth year", "出生年")),
    Column("phone", "电话", "phone", False, ("手机", "手机号", "电话号码")),
    Column("consent", "同意", "consent", False, ("同意记录", "是否同意")),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def _header_key(text: str) -> str:
    # NFKC folds full-width letters and spaces that Chinese input methods produce; a trailing
    # "*" is the usual "required" marker in templates.
    folded = unicodedata.normalize("NFKC", text).strip().strip("*").strip().casefold()
    return " ".join(folded.split())


#: The household register (台账): one row per flat, no people.
REGISTER_COLUMNS: tuple[Column, ...] = (
    *(c for c in COLUMNS if c.key in ("plot", "building", "unit", "room")),
)


def _header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for spelling in (column.zh, column.en, *column.aliases):
            index[_header_key(spelling)] = column
    return index


_BY_HEADER = {COLUMNS: _header_index(COLUMNS), REGISTER_COLUMNS: _header_index(REGISTER_COLUMNS)}


def column_for_header(header: str, columns: tuple[Column, ...] = COLUMNS) -> Column | None:
    """The known column a header names (``姓名``, ``Name ``, ``电话*``...), or None."""
    index = _BY_HEADER.get(columns) or _header_index(columns)
    return index.get(_header_key(header))


def known_headers_text(columns: tuple[Column, ...] = COLUMNS) -> str:
    """``姓名/name, 昵称/nickname, ...`` for error messages."""
    return ", ".join(column.label for column in columns)
