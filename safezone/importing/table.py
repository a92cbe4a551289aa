"""Read a resident list (CSV in any encoding Excel writes in China, or XLSX) into a table.

Every row keeps the row number people see in Excel (the header is row 1), so errors can point
at it. A file that is not a readable list raises :class:`ImportFileError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from charset_normalizer import from_bytes

from safezone.importing.columns import COLUMNS, Column, column_for_header, known_headers_text

#: Largest file accepted (a 70,000-resident district list is about 6 MB as CSV).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most rows a list may have, header included (a whole district is ~70,000 residents). Checked
#: before reading (an XLSX sheet's stated dimensions) and while reading (streamed rows), so a
#: tiny file naming row 20,000,000 is refused at once instead of filling memory.
MAX_ROWS = 100_000
#: Most columns read from an XLSX sheet (the known columns are far fewer).
MAX_COLUMNS = 32
#: Largest uncompressed part of an XLSX file: shared strings are loaded whole, so a compressed
#: "zip bomb" must be refused before openpyxl expands it.
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc) files
_DELIMITERS = (",", "\t", ";", "，")


class ImportFileError(ValueError):
    """The file cannot be read as a resident list; the message names the file and the fix."""


@dataclass(frozen=True)
class TableRow:
    """One data row: its row number in the file and its cells by column key."""

    number: int
    values: dict[str, str]
    #: Non-empty cells to the right of the last header (a shifted row, usually).
    extra_cells: tuple[str, ...] = ()


@dataclass
class Table:
    """A resident list read from a file."""

    #: File name, used in every message.
    source: str
    #: ``utf-8``, ``utf-8-sig``, ``gbk``, ``gb18030``, ``utf-16`` or ``xlsx``.
    encoding: str
    #: Headers as written in the file, and the column key each one means.
    headers: list[str]
    keys: list[str]
    rows: list[TableRow] = field(default_factory=list)


def read_table(path: str | Path, columns: tuple[Column, ...] = COLUMNS) -> Table:
    """Read the CSV or XLSX file at ``path``; raises :class:`ImportFileError` when unreadable.

    ``columns`` are the columns the list may have (residents by default; the household register
    passes its own)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(_too_big(path.name, size))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: 文件不存在 / file not found") from None
    except IsADirectoryError:
        raise ImportFileError(
            f"{path}: 这是文件夹，不是文件 / this is a folder, not a file"
        ) from None
    except OSError as exc:
        raise ImportFileError(f"{path}: 无法读取 / cannot read it ({exc.strerror})") from None
    return read_table_bytes(data, str(path), columns)


def read_table_bytes(data: bytes, name: str, columns: tuple[Column, ...] = COLUMNS) -> Table:
    """Read an uploaded file's bytes; ``name`` is its file name, used in messages."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_too_big(name, len(data)))
    if not data.strip():
        raise ImportFileError(f"{name}: 文件是空的 / the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            f"{name}: 这是旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV / "
            "this is an old Excel .xls file; save it as .xlsx or CSV"
        )
    if data.startswith(_ZIP_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        grid = _xlsx_rows(data, name)
        encoding = "xlsx"
    else:
        text, encoding = _decode(data, name)
        grid = _csv_rows(text, name)
    return _build_table(grid, name, encoding, columns)


def _too_big(name: str, size: int) -> str:
    return (
        f"{name}: 文件太大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）"
        f"，请分批导入 / the file is too large ({size} bytes); split it into smaller files"
    )


# ---------------------------------------------------------------------------------------------
# CSV


def _looks_like_text(text: str) -> bool:
    # Control characters (other than tab/newlines) and private-use code points do not occur in
    # a real list; they are what random bytes decode to.
    for char in text:
        if char in "\t\r\n":
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Co", "Cs"):
            return False
    return True


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes, trying what Chinese Excel writes before guessing."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_not_text(name)) from None
        if _looks_like_text(text):
            return text, "utf-16"
        raise ImportFileError(_not_text(name))
    if b"\x00" in data:
        raise ImportFileError(_not_text(name))
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{name}: 文件标明为 UTF-8 但含有无效字节 / "
                "the file is marked UTF-8 but contains invalid bytes"
            ) from None
        if _looks_like_text(text):
            return text, "utf-8-sig"
        raise ImportFileError(_not_text(name))
    # Explicit order first: statistical detection guesses wrong on short Chinese files.
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        text = str(best)
        if _looks_like_text(text):
            return text, best.encoding
    raise ImportFileError(_not_text(name))


def _not_text(name: str) -> str:
    return (
        f"{name}: 不是 CSV 文本或 Excel 表格，无法读取 / "
        "this is not a CSV text file or an Excel workbook"
    )


def _csv_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[tuple[int, list[str]]] = []
    try:
        # Record numbers, not physical lines: that is the row number Excel shows.
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise ImportFileError(_too_many_rows(name, number))
            if any(cell.strip() for cell in cells):  # blank lines cost nothing to keep out
                grid.append((number, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise ImportFileError(
            f"{name}: 第 {len(grid) + 1} 行 CSV 格式错误 / row {len(grid) + 1}: bad CSV ({exc})"
        ) from None
    return grid


# ---------------------------------------------------------------------------------------------
# XLSX


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        # Excel stores 13800138000 and 2 as floats; "2.0" would be a bad unit number.
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _too_many_rows(name: str, row: int) -> str:
    return (
        f"{name}: 第 {row:,} 行超出上限（最多 {MAX_ROWS:,} 行），请删除多余的行或分批导入 / "
        f"row {row:,} is beyond the limit of {MAX_ROWS:,} rows; delete the stray rows or split "
        "the list into smaller files"
    )


def _check_xlsx_parts(data: bytes, name: str) -> None:
    """Refuse a workbook whose parts would expand beyond :data:`MAX_XLSX_PART_BYTES`."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            biggest = max((info.file_size for info in archive.infolist()), default=0)
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # openpyxl reports the damaged file with its own message below
    if biggest > MAX_XLSX_PART_BYTES:
        raise ImportFileError(
            f"{name}: Excel 文件解压后过大，请另存为 CSV 或分批导入 / the workbook expands to "
            f"more than {MAX_XLSX_PART_BYTES // (1024 * 1024)} MB; save it as CSV or split it"
        )


def _sheet_rows(workbook, sheet, name: str):
    """Yield ``(row number, values)`` for the rows the sheet's XML really has, streamed.

    openpyxl's ``iter_rows`` invents an empty row for every row number the file skips, so one
    cell at row 20,000,000 would cost 20 million rows of work; this reads the sheet with
    openpyxl's own streaming parser (the one ``iter_rows`` uses) and stops at the first row
    number beyond :data:`MAX_ROWS`.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                 epoch=workbook.epoch, date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number > MAX_ROWS:
                raise ImportFileError(_too_many_rows(name, number))
            values: list[object] = []
            for cell in cells:
                column = cell["column"]
                if column > MAX_COLUMNS:
                    continue
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = cell["value"]
            yield number, values


def _xlsx_rows(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: only XLSX uploads need it

    _check_xlsx_parts(data, name)
    try:
        with warnings.catch_warnings():
            # Style and data-validation warnings from other spreadsheet programs say nothing
            # about the residents in the file.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl raises zipfile, KeyError, XML, zlib and its own errors for damaged files; any of
    # them means "not a workbook we can read", which the person must be told about.
    except Exception as exc:  # noqa: BLE001
        raise ImportFileError(
            f"{name}: Excel 文件已损坏或不是 .xlsx 格式 / "
            f"the Excel file is damaged or not an .xlsx workbook ({exc.__class__.__name__})"
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(f"{name}: 工作簿里没有工作表 / the workbook has no sheet")
        sheet = workbook.worksheets[0]
        # The sheet's own <dimension> first: refused before a single row is read.
        stated = sheet.max_row if hasattr(sheet, "max_row") else None
        if isinstance(stated, int) and stated > MAX_ROWS:
            raise ImportFileError(_too_many_rows(name, stated))
        grid: list[tuple[int, list[str]]] = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for number, values in _sheet_rows(workbook, sheet, name):
                    cells = [_cell_text(v) for v in values]
                    if any(cells):
                        grid.append((number, cells))
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - damaged sheet XML inside a valid zip
            raise ImportFileError(
                f"{name}: 第一个工作表已损坏 / the first sheet is damaged ({exc.__class__.__name__})"
            ) from None
        return grid
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# Header and rows


def _build_table(
    grid: list[tuple[int, list[str]]], name: str, encoding: str, columns: tuple[Column, ...]
) -> Table:
    rows = [(number, cells) for number, cells in grid if any(cells)]
    if not rows:
        raise ImportFileError(f"{name}: 文件里没有内容 / the file has no rows")
    header_number, raw_headers = rows[0]
    while raw_headers and not raw_headers[-1]:
        raw_headers = raw_headers[:-1]

    keys: list[str] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(raw_headers):
        if not header:
            unknown.append(f"(第 {index + 1} 列没有标题 / column {index + 1} has no header)")
            keys.append("")
            continue
        column = column_for_header(header, columns)
        if column is None:
            unknown.append(header)
            keys.append("")
            continue
        if column.key in seen:
            raise ImportFileError(
                f"{name}: 列“{header}”与“{seen[column.key]}”重复 / "
                f"columns {header!r} and {seen[column.key]!r} are the same column"
            )
        seen[column.key] = header
        keys.append(column.key)
    if unknown:
        raise ImportFileError(
            f"{name}: 第 {header_number} 行有无法识别的列 / unknown columns in row {header_number}: "
            f"{', '.join(unknown)}. 可用的列 / known columns: {known_headers_text(columns)}"
        )
    missing = [c.label for c in columns if c.required and c.key not in seen]
    if missing:
        raise ImportFileError(
            f"{name}: 缺少必填列 / missing required columns: {', '.join(missing)}"
        )

    table = Table(source=name, encoding=encoding, headers=list(raw_headers), keys=keys)
    for number, cells in rows[1:]:
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(keys)}
        extra = tuple(cell for cell in cells[len(keys) :] if cell)
        table.rows.append(TableRow(number=number, values=values, extra_cells=extra))
    if not table.rows:
        raise ImportFileError(
            f"{name}: 只有标题行，没有居民 / the file has a header row but no residents"
        )
    return table
