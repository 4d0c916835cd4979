"""Evaluation reports in Word."""

# The category (document property) of every report perfbook writes: recalc passes such a
# document over instead of reading its score table as a unit's 自评表 (under another rule).
REPORT_CATEGORY = "perfbook 绩效评价报告"
