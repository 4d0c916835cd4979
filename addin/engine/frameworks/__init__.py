"""Evaluation indicator systems (评价指标体系): criteria read into methods, frameworks as data,
filled forms checked, multi-year evaluations averaged. Standard library only, like the engine.

Modules: ``criteria`` (评分标准 text → method and points), ``methods`` (the five methods, by
name), ``model`` (the framework tree and its TOML files), ``evaluation`` (a filled form and its
findings), ``multiyear`` (yearly budget tables, averaged scores).
"""

from .criteria import BAND, CHECKLIST, DEDUCTION, JUDGEMENT, RATIO, Criterion, parse_criterion
from .evaluation import (EntryRow, EvaluationFinding, EvaluationForm, EvaluationResult, blank_form,
                         evaluate_form, fill)
from .methods import METHODS, Inputs, band, checklist, deduction, judgement, ratio
from .model import Framework, get_framework, list_frameworks
from .multiyear import BudgetLine, MultiYearResult, YearBudget, evaluate_years

__all__ = [
    "BAND", "CHECKLIST", "DEDUCTION", "JUDGEMENT", "METHODS", "RATIO", "BudgetLine", "Criterion",
    "EntryRow", "EvaluationFinding", "EvaluationForm", "EvaluationResult", "Framework", "Inputs",
    "MultiYearResult", "YearBudget", "band", "blank_form", "checklist", "deduction", "evaluate_form",
    "evaluate_years", "fill", "get_framework", "judgement", "list_frameworks", "parse_criterion", "ratio",
]
