"""beijing-chaoyang-2024: the default form, recognised on every Chaoyang sample and scored with
its own profile when --profile is not given."""

from pathlib import Path

from workbook_builder.readers.tables import read_tables
from workbook_builder.recalc.run import report_table

SUBMITTED = Path(__file__).parent.parent / "samples" / "chaoyang-2024" / "submitted"


def test_every_sample_is_this_form_and_its_profile():
    for path in sorted(SUBMITTED.glob("*.xlsx")):
        for read in read_tables(path):
            assert (read.form, read.form_exact) == ("beijing-chaoyang-2024", True), path.name
            report, _ = report_table(read, None, path.name)
            assert report.profile == "beijing-chaoyang-2024"
