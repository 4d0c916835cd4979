"""Evaluation reports in Word."""
