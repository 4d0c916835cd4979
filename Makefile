# Two entry points for a fresh machine with only Python 3.11 and make:
#   make run   - bootstrap .venv, install perfbook, run the main job on samples/
#   make test  - bootstrap .venv, run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out

.PHONY: run test bench clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/perfbook score samples/chaoyang-2024/tables_1-30.json
	$(BIN)/perfbook batch samples/chaoyang-2024/project_list.xlsx -o $(OUT)/templates --year 2024 --force
	$(BIN)/perfbook targets check samples/chaoyang-2024/project_list.xlsx -o $(OUT)/targets --json $(OUT)/targets/result.json || [ $$? -eq 1 ]
	$(BIN)/perfbook recalc samples/chaoyang-2024/submitted samples/chaoyang-2024/submitted-templates -o $(OUT)/recalc --json $(OUT)/recalc/result.json
	$(BIN)/perfbook recalc samples/chaoyang-2024/zipped/区数据局报送.zip -o $(OUT)/recalc-zip
	$(BIN)/perfbook report write samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx -o $(OUT)/reports/绩效评价报告_26.docx --narrative samples/narrative.toml --force
	$(BIN)/perfbook report check $(OUT)/reports/绩效评价报告_26.docx samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx
	$(BIN)/perfbook report write samples/yueyang-2020/附件3-2_评价指标体系_自评.xlsx -o $(OUT)/reports/评价报告_岳阳.docx --narrative samples/yueyang-2020/narrative.toml --force
	$(BIN)/perfbook report write samples/qinhuangdao-2020-2022/年度预算及支出情况.xlsx -o $(OUT)/reports/多年度评价报告_秦皇岛.docx --narrative samples/qinhuangdao-2020-2022/narrative.toml --force
	$(BIN)/perfbook report portfolio $(OUT)/recalc/result.json -o $(OUT)/reports/复核情况报告.docx --force
	@echo
	$(BIN)/perfbook setup

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Mutation testing of addin/engine with cosmic-ray (cosmic-ray.toml): one worker per core on copies
# in $(OUT)/mutation, prints the score and fails below 90%. Not part of `make test` (tens of minutes).
mutation: $(STAMP)
	$(BIN)/python tests/test_engine_boundaries_mutation.py --out $(OUT)/mutation

clean:
	rm -rf $(VENV) $(OUT)
