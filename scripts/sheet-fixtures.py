#!/usr/bin/python3
"""Writes the spreadsheet fixtures of tests/it/sheet_ref with programs that are not phongtrao:
Debian's openpyxl (.xlsx) and odfpy (.ods), as an officer's own files would be: a title line and a
merged title above the headers, real date cells, numbers as numbers, labels without accents.

Run with Debian's python3 (apt install python3-openpyxl python3-odf):
    /usr/bin/python3 scripts/sheet-fixtures.py
The files are committed; the tests only read them. The password-protected copy needs msoffcrypto-tool
5.1 or later (Debian 12 has 5.0, which cannot encrypt): made with it from PyPI in a venv,
    python3 -m venv /tmp/v && /tmp/v/bin/pip install msoffcrypto-tool==5.4.2
    /tmp/v/bin/python scripts/sheet-fixtures.py --encrypt
"""
import datetime
import os
import sys

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "it", "sheet_ref")

AREAS = [
    ("Thôn Kon Rốc", "Thôn", 120, 480, datetime.date(2026, 1, 5)),
    ("Làng Plei Bông", "lang", 95, 402, datetime.date(2026, 1, 9)),
    ("Tổ dân phố 3", "To dan pho", 1200, 4100, None),
]


def xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Khu dân cư"
    ws.append(["DANH SÁCH KHU DÂN CƯ NĂM 2026"])
    ws.merge_cells("A1:E1")
    ws.append(["Tên khu dân cư", "Loai khu dan cu", "Số hộ gia đình", "So nhan khau", "Ngày đăng ký phong trào"])
    for row in AREAS:
        ws.append(list(row))
    for cell in ws["E"][2:]:
        cell.number_format = "dd/mm/yyyy"
    wb.save(os.path.join(OUT, "khu-dan-cu-openpyxl.xlsx"))

    # A header cell merged over two columns with data under both: must be refused, not misread.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tên khu dân cư", "Số hộ gia đình", None, "Số nhân khẩu"])
    ws.merge_cells("B1:C1")
    ws.append(["Thôn 1", 10, 12, 40])
    wb.save(os.path.join(OUT, "o-gop-openpyxl.xlsx"))


def ods():
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Khu dân cư")

    def row(values):
        tr = TableRow()
        for v in values:
            if v is None:
                tc = TableCell()
            elif isinstance(v, datetime.date):
                tc = TableCell(valuetype="date", datevalue=v.isoformat())
                tc.addElement(P(text=v.strftime("%d/%m/%Y")))
            elif isinstance(v, (int, float)):
                tc = TableCell(valuetype="float", value=v)
                tc.addElement(P(text=str(v)))
            else:
                tc = TableCell(valuetype="string")
                tc.addElement(P(text=v))
            tr.addElement(tc)
        table.addElement(tr)

    row(["Ten khu dan cu", "Loại khu dân cư", "Số hộ gia đình", "Số nhân khẩu", "Ngày đăng ký phong trào"])
    for r in AREAS:
        row(list(r))
    doc.spreadsheet.addElement(table)
    doc.save(os.path.join(OUT, "khu-dan-cu-odfpy.ods"))


def encrypt():
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(os.path.join(OUT, "khu-dan-cu-openpyxl.xlsx"), "rb") as src:
        with open(os.path.join(OUT, "mat-khau-msoffcrypto.xlsx"), "wb") as out:
            OOXMLFile(src).encrypt("matkhau", out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    if "--encrypt" in sys.argv:
        encrypt()
    else:
        xlsx()
        ods()
    print("Đã ghi", sorted(os.listdir(OUT)), file=sys.stderr)
