"""The .xlsx reader on workbooks written the way Excel writes them.

openpyxl (which the other table tests write with) keeps strings inline and
puts every cell reference in place; Excel and WPS share strings, drop cell
and row references, mix phonetic runs into text, prefix element names and
write booleans, errors and ISO dates as typed cells. These tests build such
workbooks part by part and compare the reader with the cell values they hold.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cadredev import Cadre, InvalidInputError
from cadredev.io import _xlsx as xlsx
from cadredev.io import read_table, write_table
from cadredev.io._cells import ExcelError
from cadredev.io._xlsx import read_xlsx, write_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def when(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """Return a naive datetime, as Excel cells mean them (they have no time zone)."""
    return dt.datetime(year, month, day, hour, minute)  # noqa: DTZ001


def _rels(*rels: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{REL}/{k}" Target="{t}"/>' for i, k, t in rels)
    return f'<?xml version="1.0"?><Relationships xmlns="{PKG}">{body}</Relationships>'


def make_book(
    sheet_data: str,
    *,
    strings: list[str] | None = None,
    styles: str | None = None,
    workbook_pr: str = "",
    extra_sheets: tuple[tuple[str, str, str], ...] = (),
    root_rels: bool = True,
    workbook: bool = True,
    prefix: str = "",
) -> bytes:
    """Return an .xlsx workbook with one sheet holding *sheet_data* (the rows' XML)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    parts: dict[str, str] = {}
    if root_rels:
        parts["_rels/.rels"] = _rels(("rId1", "officeDocument", "xl/workbook.xml"))
    sheets = '<sheet name="data" sheetId="1" r:id="rId1"/>' + "".join(
        f'<sheet name="{name}" sheetId="{n + 2}" r:id="rX{n}"/>'
        for n, (name, _, _) in enumerate(extra_sheets)
    )
    if workbook:
        parts["xl/workbook.xml"] = (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f"{workbook_pr}<sheets>{sheets}</sheets></workbook>"
        )
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    rels += [(f"rX{n}", kind, target) for n, (_, kind, target) in enumerate(extra_sheets)]
    if strings is not None:
        rels.append(("rId8", "sharedStrings", "/xl/sharedStrings.xml"))
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0"?><sst xmlns="{MAIN}">{"".join(strings)}</sst>'
        )
    if styles is not None:
        rels.append(("rId9", "styles", "styles.xml"))
        parts["xl/styles.xml"] = (
            f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
        )
    parts["xl/_rels/workbook.xml.rels"] = _rels(*rels)
    parts["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><{p}worksheet {ns}><{p}sheetData>{sheet_data}'
        f"</{p}sheetData></{p}worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def rows_of(data: bytes, **options: Any) -> tuple[list[str], list[tuple[Any, list[Any]]]]:
    """Return the header and the (row number, cells) of the only sheet."""
    table = read_xlsx(io.BytesIO(data), sheet=options.pop("sheet", None), where="book")
    out: list[tuple[Any, list[Any]]] = []
    for block in table.blocks:
        for i, label in enumerate(block.rows):
            out.append((label, [column[i] for column in block.columns]))
    return table.header, out


def inline(ref: str | None, text: str) -> str:
    r = f' r="{ref}"' if ref else ""
    return f'<c{r} t="inlineStr"><is><t>{text}</t></is></c>'


def test_shared_strings_with_rich_runs_and_phonetic_guides() -> None:
    strings = [
        "<si><t>id</t></si>",
        "<si><t>name</t></si>",
        # A rich-text string is the concatenation of its runs; the phonetic
        # guide (rPh, which Excel adds to Chinese and Japanese text) is not text.
        (
            '<si><r><t>王</t></r><r><rPr><b/></rPr><t xml:space="preserve">小明</t></r>'
            '<rPh sb="0" eb="1"><t>wang</t></rPh></si>'
        ),
        "<si><t>a_x000D_b</t></si>",
    ]
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
    )
    header, rows = rows_of(make_book(sheet, strings=strings))
    assert header == ["id", "name"]
    assert rows == [(2, ["王小明", "a\rb"])]


def test_cells_and_rows_without_references_and_a_namespace_prefix() -> None:
    # No r= on rows or cells: the next row and the next column follow on.
    sheet = (
        "<x:row>" + inline(None, "id") + inline(None, "name") + "</x:row>"
        "<x:row>" + inline(None, "c1").replace("<c", "<x:c").replace("</c>", "</x:c>")
    )
    sheet = sheet.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    sheet = sheet.replace("<is>", "<x:is>").replace("</is>", "</x:is>")
    sheet = sheet.replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    sheet += '<x:c t="n"><x:v>7</x:v></x:c></x:row>'
    header, rows = rows_of(make_book(sheet, prefix="x"))
    assert header == ["id", "name"]
    assert rows == [(2, ["c1", 7])]


def test_cells_out_of_order_and_phonetic_runs_in_inline_text() -> None:
    sheet = (
        '<row r="3">' + inline("B3", "name") + inline("A3", "id") + "</row>"
        '<row r="5"><c r="B5" t="inlineStr"><is><t>李</t><rPh><t>li</t></rPh></is></c>'
        + inline("A5", "c9")
        + "</row>"
    )
    header, rows = rows_of(make_book(sheet))
    assert header == ["id", "name"]
    assert rows == [(5, ["c9", "李"])]


def test_typed_cells_booleans_errors_iso_dates_and_plain_strings() -> None:
    head = "".join(inline(f"{c}1", c.lower()) for c in "ABCDEF")
    body = (
        '<c r="A2" t="b"><v>1</v></c><c r="B2" t="b"><v>0</v></c>'
        '<c r="C2" t="e"><v>#N/A</v></c><c r="D2" t="d"><v>2025-03-01T08:30:00</v></c>'
        '<c r="E2" t="str"><v>x_x0009_y</v></c><c r="F2" t="future"><v>kept</v></c>'
    )
    header, rows = rows_of(make_book(f'<row r="1">{head}</row><row r="2">{body}</row>'))
    assert header == list("abcdef")
    ((label, cells),) = rows
    assert label == 2
    assert cells[:2] == [True, False]
    assert isinstance(cells[2], ExcelError)
    assert cells[2] == "#N/A"
    assert cells[3] == when(2025, 3, 1, 8, 30)
    assert cells[4:] == ["x\ty", "kept"]


STYLES = (
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
    '<numFmt numFmtId="165" formatCode="0.00&quot;d&quot;;[Red]-0.00"/>'
    '<numFmt numFmtId="166" formatCode="General"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0"/></cellStyles>'
)


def test_date_styles_by_built_in_and_custom_formats() -> None:
    # Style 1 is built-in format 14 (a date), style 2 a custom Chinese date
    # format, style 3 a number format whose quoted text holds a 'd', style 4
    # 'General'; the xf in cellStyleXfs is not a cell format.
    head = "".join(inline(f"{c}1", c.lower()) for c in "ABCDE")
    body = (
        '<c r="A2" s="1"><v>45658</v></c><c r="B2" s="2"><v>45658.5</v></c>'
        '<c r="C2" s="3"><v>45658</v></c><c r="D2" s="4"><v>45658</v></c>'
        '<c r="E2" s="9"><v>2.5</v></c>'
    )
    header, rows = rows_of(make_book(f"<row>{head}</row><row>{body}</row>", styles=STYLES))
    assert header == list("abcde")
    assert rows == [(2, [when(2025, 1, 1), when(2025, 1, 1, 12), 45658, 45658, 2.5])]


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        # Excel's 1900 system counts a 29 February 1900 that never was, so
        # serials below 61 are one day off the plain epoch of 1899-12-30.
        ("1", when(1900, 1, 1)),
        ("59", when(1900, 2, 28)),
        ("61", when(1900, 3, 1)),
        ("60.25", when(1900, 3, 1, 6)),
    ],
)
def test_early_1900_serials(serial: str, expected: dt.datetime) -> None:
    sheet = f'<row>{inline("A1", "when")}</row><row><c r="A2" s="1"><v>{serial}</v></c></row>'
    assert rows_of(make_book(sheet, styles=STYLES))[1] == [(2, [expected])]


def test_1904_dates_are_not_shifted() -> None:
    sheet = f'<row>{inline("A1", "when")}</row><row><c r="A2" s="1"><v>1</v></c></row>'
    data = make_book(sheet, styles=STYLES, workbook_pr='<workbookPr date1904="true"/>')
    assert rows_of(data)[1] == [(2, [when(1904, 1, 2)])]


def test_header_cells_of_other_types_and_trailing_blank_headers() -> None:
    head = (
        f'{inline("A1", "id")}<c r="C1"><v>2025.0</v></c><c r="D1" s="1"><v>45658</v></c>'
        f'<c r="E1"><v>3.5</v></c>{inline("F1", "  ")}<c r="G1" t="inlineStr"><is><t/></is></c>'
    )
    body = inline("A2", "c1") + '<c r="D2"><v>1</v></c>'
    header, rows = rows_of(make_book(f"<row>{head}</row><row>{body}</row>", styles=STYLES))
    # A gap reads as an empty header; whole floats lose their '.0'; a date
    # header reads as ISO text; the blank headers at the end are dropped.
    assert header == ["id", "", "2025", "2025-01-01T00:00:00", "3.5"]
    assert rows == [(2, ["c1", None, None, 1, None])]


def test_blank_rows_are_skipped_and_cells_past_the_header_refused() -> None:
    head = inline("A1", "id") + inline("B1", "name")
    blank = '<row r="2">' + inline("A2", " ") + '<c r="C2" t="inlineStr"><is><t/></is></c></row>'
    good = '<row r="3">' + inline("A3", "c1") + '<c r="D3"/></row>'
    assert rows_of(make_book(f"<row>{head}</row>{blank}{good}"))[1] == [(3, ["c1", None])]
    bad = '<row r="4">' + inline("A4", "c2") + inline("C4", "note") + "</row>"
    with pytest.raises(
        InvalidInputError,
        match=r"^book, sheet 'data', row 4: cell C4 holds 'note' but column C has no header$",
    ):
        rows_of(make_book(f"<row>{head}</row>{good}{bad}"))


def test_header_far_below_blank_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # With small chunks the first rows parsed are all blank: the reader keeps
    # reading until a row holds something.
    monkeypatch.setattr(xlsx, "_CHUNK_BYTES", 64)
    blanks = "".join(f'<row r="{n}">{inline(f"A{n}", " ")}</row>' for n in range(1, 40))
    sheet = (
        blanks + f'<row r="40">{inline("A40", "id")}</row><row r="41">{inline("A41", "c")}</row>'
    )
    assert rows_of(make_book(sheet)) == (["id"], [(41, ["c"])])


def test_a_workbook_without_package_relations_uses_the_usual_part() -> None:
    sheet = f"<row>{inline('A1', 'id')}</row><row>{inline('A2', 'c1')}</row>"
    assert rows_of(make_book(sheet, root_rels=False)) == (["id"], [(2, ["c1"])])


def test_damaged_workbooks_are_named() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"^book: not a readable \.xlsx workbook \(no part 'xl/workbook\.xml'\)$",
    ):
        rows_of(make_book("", workbook=False))
    with pytest.raises(InvalidInputError, match=r"^book, sheet 'data': damaged sheet XML \("):
        rows_of(make_book("<row><c><v>1</v></row>"))


def test_sheet_choice_errors() -> None:
    chart = (("图表", "chartsheet", "chartsheets/sheet2.xml"),)
    data = make_book(f"<row>{inline('A1', 'id')}</row>", extra_sheets=chart)
    assert rows_of(data, sheet=0)[0] == ["id"]
    with pytest.raises(
        InvalidInputError, match=r"^book: no sheet number 2; the sheets are \['data', '图表'\]$"
    ):
        rows_of(data, sheet=2)
    with pytest.raises(InvalidInputError, match=r"^book: no sheet number -1;"):
        rows_of(data, sheet=-1)
    with pytest.raises(
        InvalidInputError, match=r"^book: sheet '图表' is not a worksheet \(a chart\?\)$"
    ):
        rows_of(data, sheet="图表")
    with pytest.raises(InvalidInputError, match=r"^book: no sheet True;"):
        rows_of(data, sheet=True)  # a bool is not a sheet number


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"^book: cannot read file \(No such file"):
        read_xlsx(str(tmp_path / "missing.xlsx"), sheet=None, where="book")
    with pytest.raises(InvalidInputError, match=r"^book: cannot read file \(Is a directory\)$"):
        read_xlsx(str(tmp_path), sheet=None, where="book")


class _Unseekable:
    """A binary stream with no seek(), such as a pipe or an HTTP response."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


def test_an_unseekable_stream_is_read_whole() -> None:
    cadres = [Cadre(id="c1", name="王", birth_year=1980, rank="division", unit="招商局")]
    buffer = io.BytesIO()
    write_table("Cadre", cadres, buffer, format="xlsx")
    stream: Any = _Unseekable(buffer.getvalue())
    assert read_table("Cadre", stream, format="xlsx") == tuple(cadres)


def _refuse(i: int, j: int, message: str) -> None:
    raise InvalidInputError(f"cell ({i}, {j}): {message}")


def test_writer_refuses_what_excel_cannot_hold() -> None:
    with pytest.raises(InvalidInputError, match=r"^cell \(0, 1\): 9007199254740992 is too large"):
        write_xlsx(["a", "b"], [[1, 2**53]], title="t", check=_refuse)
    with pytest.raises(InvalidInputError, match=r"^cell \(0, 0\): -9007199254740993 is too large"):
        write_xlsx(["a"], [[-(2**53) - 1]], title="t", check=_refuse)
    too_many: list[tuple[Any, ...]] = [()] * xlsx.MAX_ROWS
    with pytest.raises(
        InvalidInputError,
        match=r"^cell \(1048575, 0\): Excel holds at most 1,048,576 rows, got 1,048,577$",
    ):
        write_xlsx(["a"], too_many, title="t", check=_refuse)
    # The largest exact integers and booleans pass.
    data = write_xlsx(["a", "b"], [[2**53 - 1, True]], title="t", check=_refuse)
    assert rows_of(data)[1] == [(2, [2**53 - 1, True])]


def test_writer_round_trips_escapes_formula_like_text_and_17_digit_floats() -> None:
    values = ["=1+1", "_x0041_", "a\rb\x01", 0.1 + 0.2, 1.5]
    data = write_xlsx(list("abcde"), [values], title="t", check=_refuse)
    assert rows_of(data)[1] == [(2, values)]


def _with_row(cell: str) -> bytes:
    return make_book(f"<row>{inline('A1', 'id')}</row><row>{cell}</row>", strings=[])


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ('<c r="1"><v>1</v></c>', "a cell reference without a column"),
        ('<c r="a2"><v>1</v></c>', "cell reference column 'a' is not in capital letters"),
        ('<c s="q"><v>1</v></c>', "invalid literal for int() with base 10: 'q'"),
        ("<c><v>abc</v></c>", "could not convert string to float: 'abc'"),
        ('<c t="s"><v>5</v></c>', "list index out of range"),
        ('<c t="d"><v>never</v></c>', "Invalid isoformat string: 'never'"),
    ],
)
def test_malformed_cells_are_a_damaged_sheet(cell: str, reason: str) -> None:
    # A hostile or broken file once escaped as a bare IndexError or ValueError.
    with pytest.raises(InvalidInputError) as info:
        rows_of(_with_row(cell))
    assert str(info.value) == f"book, sheet 'data': damaged sheet XML ({reason})"


def test_malformed_row_number_is_a_damaged_sheet() -> None:
    data = make_book(f'<row>{inline("A1", "id")}</row><row r="x"><c><v>1</v></c></row>')
    with pytest.raises(InvalidInputError, match=r"damaged sheet XML \(invalid literal for int"):
        rows_of(data)


def test_damaged_workbook_parts_are_named() -> None:
    bad_style = '<cellXfs><xf numFmtId="fourteen"/></cellXfs>'
    with pytest.raises(
        InvalidInputError,
        match=r"^book: damaged workbook XML \(invalid literal for int\(\) .*: 'fourteen'\)$",
    ):
        rows_of(make_book(f"<row>{inline('A1', 'id')}</row>", styles=bad_style))
    with pytest.raises(InvalidInputError, match=r"^book: damaged workbook XML \(mismatched tag"):
        rows_of(make_book(f"<row>{inline('A1', 'id')}</row>", strings=["<si><t>x</si>"]))
