"""Imports with limits: a 1–2 KB XLSX whose one cell sits at row 20,000,000 (with or without a
<dimension> saying so) is refused at once, in little memory, with a clear message; so is a CSV
with too many rows and a workbook whose parts expand to more than the limit. On main the row
20,000,000 file took ~2.9 GB of memory."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from safezone.importing import ImportFileError, read_table_bytes
from safezone.importing import table as table_module

HEADER = ["姓名", "昵称", "地块", "楼栋", "单元", "门牌", "年龄段", "出生年份", "电话", "同意"]
ROW = ["王秀英", "", "1", "5", "2", "1203", "老人", "1952", "", "是"]

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>'),
}


def _crafted_xlsx(far_row: int, *, dimension: bool) -> bytes:
    """A hand-made workbook: the header in row 1, one resident in row 2, one cell at ``far_row``."""
    def cells(row: int, values: list[str]) -> str:
        letters = "ABCDEFGHIJ"
        return "".join(f'<c r="{letters[i]}{row}" t="inlineStr"><is><t>{v}</t></is></c>'
                       for i, v in enumerate(values) if v)
    dim = f'<dimension ref="A1:J{far_row}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'{dim}<sheetData><row r="1">{cells(1, HEADER)}</row><row r="2">{cells(2, ROW)}</row>'
             f'<row r="{far_row}"><c r="A{far_row}" t="inlineStr"><is><t>x</t></is></c></row>'
             '</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(part, text)
    return buffer.getvalue()


@pytest.mark.parametrize("dimension", [True, False], ids=["with-dimension", "no-dimension"])
def test_one_cell_at_row_20_million_is_refused_fast_in_little_memory(dimension):
    data = _crafted_xlsx(20_000_000, dimension=dimension)
    assert len(data) < 2048
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError) as info:
            read_table_bytes(data, "居民.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    message = str(info.value)
    assert "20,000,000" in message and "100,000" in message and "split" in message
    # Generous bounds (a loaded CI machine): on main this took ~2.9 GB and many seconds.
    assert peak < 50 * 1024 * 1024, peak
    assert elapsed < 5, elapsed


def test_the_same_file_within_the_limit_still_imports():
    table = read_table_bytes(_crafted_xlsx(50, dimension=True), "居民.xlsx")
    assert [row.number for row in table.rows] == [2, 50]  # the stray cell is a (bad) row 50


def test_a_csv_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(table_module, "MAX_ROWS", 1000)
    data = ("\n".join([",".join(HEADER)] + [",".join(ROW)] * 1000) + "\n").encode()
    with pytest.raises(ImportFileError, match="row 1,001 is beyond the limit of 1,000 rows"):
        read_table_bytes(data, "居民.csv")


def test_a_workbook_that_expands_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(table_module, "MAX_XLSX_PART_BYTES", 100_000)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for _ in range(2000):
        sheet.append(ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError, match="expands to more than"):
        read_table_bytes(buffer.getvalue(), "居民.xlsx")
