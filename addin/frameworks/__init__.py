"""Evaluation indicator systems (评价指标体系) as data: one TOML file per framework."""
