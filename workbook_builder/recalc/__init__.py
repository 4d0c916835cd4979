"""Recalculation: re-score submitted tables, compare with what was reported, annotate copies and
summarise a batch. :func:`recalc` and :func:`score_tables` return the result models every output
reads."""
