"""perfbook's workbook side: tables in and out of files, templates, recalculation, the CLI."""
