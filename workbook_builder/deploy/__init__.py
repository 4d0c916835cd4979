"""Getting the PERF_* functions into Excel: the classic Windows add-in, xlwings Server and
xlwings Lite."""
