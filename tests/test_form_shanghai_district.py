"""shanghai-district: the central layout in 元 with ASCII operators and thousand separators."""

from form_cases import read_real


def test_yuan_thousand_separators_and_ascii_operators(tmp_path):
    read, report, result = read_real("central_shanghai_putuo_1", tmp_path)
    assert (read.form, read.money_unit) == ("shanghai-district", "元")
    assert read.table.funds.executed == "215,457.6"
    assert str(result.funds_score) == "8.62" and str(result.total) == "98.62"
    assert [d.nature for d in result.indicators] == ["=", "=", "定性", "=", "≥"]   # =100%, 及时, >=90%
    assert [(f.cell, f.kind) for f in report.findings] == [("G6", "exec_rate_mismatch")]


def test_told_from_the_central_form_by_its_title_or_its_money_unit(tmp_path):
    import json

    from real_tables import REAL, load, workbook
    from workbook_builder.readers.tables import read_tables

    def form_of(change, name):
        data = load(REAL / "central_shanghai_putuo_1.json")
        change(data["rows"])
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return read_tables(workbook(path, tmp_path / f"{name}.xlsx"))[0].form

    def wan(rows):
        rows[4][0] = "项目资金(万元)"

    def untitled(rows):
        rows[0][0] = None

    assert form_of(wan, "wan") == "shanghai-district"              # its title
    assert form_of(untitled, "untitled") == "shanghai-district"    # its 元
    assert form_of(lambda rows: (wan(rows), untitled(rows)), "neither") == "central-2020"
