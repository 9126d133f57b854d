"""Tables as CSV and XLSX downloads."""

import io

from openpyxl import load_workbook

from tumbuh.lib import downloads


def test_the_same_table_as_csv_and_xlsx():
    head, rows = ["area", "n", "pct"], [["Manggar", 3, 66.7], ["Baru Ilir", 1, None]]
    csv_text = downloads.table_response("csv", "t", head, rows, notes=["rules 1"]).content
    assert csv_text.decode().replace("\r", "") == (
        "area,n,pct\nManggar,3,66.7\nBaru Ilir,1,\n\nrules 1\n")
    response = downloads.tables_response("xlsx", "t", [("A", head, rows), ("B", ["x"], [[1]])],
                                         notes=["rules 1"])  # fmt: skip
    assert response["Content-Disposition"] == 'attachment; filename="t.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:2] == ["A", "B"]
    assert [list(r) for r in wb["A"].iter_rows(values_only=True)] == [
        ["area", "n", "pct"], ["Manggar", 3, 66.7], ["Baru Ilir", 1, None]]
    assert wb.worksheets[-1]["A1"].value == "rules 1"
