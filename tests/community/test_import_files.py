"""Reading resident lists: CSV in the encodings Chinese Excel writes, XLSX, and broken files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from safezone.importing import ImportFileError, read_table, read_table_bytes

HEADER_ZH = ["姓名", "昵称", "地块", "楼栋", "单元", "门牌", "年龄段", "出生年份", "电话", "同意"]
ROWS = [
    ["王秀英", "", "1", "5", "2", "1203", "老人", "1952", "13800000001", "是"],
    ["李子涵", "小豆丁", "1", "5", "2", "1203", "儿童", "2016", "", "是"],
    ["欧阳娜娜", "", "2", "3", "1", "301", "成人", "1990", "", "否"],
]


def _csv(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ",") -> Path:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("utf-16", "utf-16")],
)
def test_csv_encodings(tmp_path: Path, encoding: str, reported: str) -> None:
    path = _csv(tmp_path / "居民.csv", [HEADER_ZH, *ROWS], encoding)
    table = read_table(path)
    assert table.encoding == reported
    assert table.keys[:3] == ["name", "nickname", "plot"]
    assert [row.number for row in table.rows] == [2, 3, 4]
    assert table.rows[0].values["name"] == "王秀英"
    assert table.rows[2].values["name"] == "欧阳娜娜"
    assert table.rows[1].values["nickname"] == "小豆丁"


def test_short_gbk_file_is_not_misdetected(tmp_path: Path) -> None:
    # Two short Chinese rows are where statistical detection guesses a wrong code page.
    rows = [
        ["姓名", "地块", "楼栋", "单元", "门牌", "年龄段"],
        ["张伟", "1", "2", "1", "101", "成人"],
    ]
    table = read_table(_csv(tmp_path / "a.csv", rows, "gbk"))
    assert table.rows[0].values["name"] == "张伟"


def test_gb18030_only_characters(tmp_path: Path) -> None:
    rows = [
        ["姓名", "地块", "楼栋", "单元", "门牌", "年龄段"],
        ["王𠀀", "1", "2", "1", "101", "成人"],
    ]
    table = read_table(_csv(tmp_path / "a.csv", rows, "gb18030"))
    assert table.encoding == "gb18030"
    assert table.rows[0].values["name"] == "王𠀀"


def test_english_headers_tabs_and_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(
        "Name\tPlot\tBuilding\tUnit\tRoom\tAge_Group\tConsent\n"
        '"Zhang, Wei"\t1\t5\t2\t1203\tadult\tyes\n',
        encoding="utf-8",
    )
    table = read_table(path)
    assert table.rows[0].values["name"] == "Zhang, Wei"
    assert table.rows[0].values["consent"] == "yes"


def test_blank_rows_keep_real_row_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [HEADER_ZH, ROWS[0], [""] * 10, ROWS[1]], "utf-8")
    table = read_table(path)
    assert [row.number for row in table.rows] == [2, 4]


def test_xlsx(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_ZH)
    sheet.append(["王秀英", None, 1, 5, 2, 1203, "老人", 1952, 13800000001, "是"])
    sheet.append([None] * 10)
    sheet.append(["李子涵", "小豆丁", 1.0, 5.0, 2, "1203", "儿童", 2016, None, True])
    workbook.create_sheet("其他")
    path = tmp_path / "居民.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.encoding == "xlsx"
    assert [row.number for row in table.rows] == [2, 4]
    first, second = table.rows
    assert first.values["room"] == "1203" and first.values["phone"] == "13800000001"
    assert first.values["nickname"] == ""
    assert second.values["plot"] == "1" and second.values["consent"] == "1"


def test_unknown_columns_are_named_with_the_known_ones(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "a.csv", [[*HEADER_ZH, "身份证号", "备注"], [*ROWS[0], "x", "y"]], "utf-8"
    )
    with pytest.raises(ImportFileError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "a.csv" in message and "身份证号" in message and "备注" in message
    assert "姓名/name" in message and "同意/consent" in message


def test_missing_required_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [["姓名", "楼栋"], ["张伟", "1-5"]], "utf-8")
    with pytest.raises(ImportFileError, match="missing required columns: .*单元/unit"):
        read_table(path)


def test_same_column_twice(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [[*HEADER_ZH, "Name"], [*ROWS[0], "x"]], "utf-8")
    with pytest.raises(ImportFileError, match="same column"):
        read_table(path)


def test_header_without_title(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [["姓名", "", "地块"], ["张伟", "x", "1"]], "utf-8")
    with pytest.raises(ImportFileError, match="column 2 has no header"):
        read_table(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (",,,\r\n,,\r\n", "no rows"),
        ("姓名,地块,楼栋,单元,门牌,年龄段\r\n".encode("gbk"), "header row but no residents"),
        (bytes(range(256)) * 4, "not a CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        (b"\xef\xbb\xbf\xff\xfe", "invalid bytes"),
    ],
)
def test_malformed_files(tmp_path: Path, content: bytes | str, message: str) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ImportFileError, match=message) as caught:
        read_table(path)
    assert "upload.csv" in str(caught.value)


def test_random_garbage_never_reads_as_a_table(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    for index in range(30):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(20, 400)))
        with pytest.raises(ImportFileError, match=f"junk{index}.csv"):
            read_table_bytes(data, f"junk{index}.csv")


def test_broken_xlsx(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(HEADER_ZH)
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ImportFileError, match="cut.xlsx: .*damaged"):
        read_table(truncated)
    not_a_workbook = tmp_path / "other.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFileError, match="other.xlsx: .*damaged"):
        read_table(not_a_workbook)
    text_named_xlsx = tmp_path / "text.xlsx"
    text_named_xlsx.write_text("姓名,地块\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="text.xlsx"):
        read_table(text_named_xlsx)


def test_header_only_xlsx(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(HEADER_ZH)
    path = tmp_path / "head.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFileError, match="head.xlsx: .*no residents"):
        read_table(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="folder"):
        read_table(tmp_path)


def test_too_large(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import safezone.importing.table as table_module

    monkeypatch.setattr(table_module, "MAX_FILE_BYTES", 100)
    path = _csv(tmp_path / "big.csv", [HEADER_ZH, *ROWS * 5], "utf-8")
    with pytest.raises(ImportFileError, match="big.csv: .*too large"):
        read_table(path)
