"""Review of declared performance targets (绩效目标审核): reading target lists and 申报表
(``read``), last year's results (``last_year``), the review run and its JSON (``run``), the
summary workbook (``summary``) and the annotated copies (``annotate``)."""
