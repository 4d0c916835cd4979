"""Regenerate tests/data/targets/planted.xlsx: real targets with one planted defect per project.

Source: samples/chaoyang-2024/project_list.xlsx (the targets and weights of the Chaoyang 2024
self-evaluation tables 1-30, seed 003, in the layout of the budget system's project list). The
first 13 projects and three more are kept with their real rows; the 成本指标 of those whose amount is
above the project's 全年预算数 in the real list are set to that budget (their real defect is
the sample's own, tested on the sample), then one defect of each kind the review finds is
planted, one project each (see plant()). Project 1 keeps its real defect (≤ 7578290 元 against
738.62892 万元). tests/data/targets/last-year/ holds last year's table of project 4 (a copy of
samples/chaoyang-2024/submitted/09_…xlsx) and last_year_result.json the `perfbook recalc --json`
of that folder.

Run from the repository root: .venv/bin/python tests/data/targets/make_planted.py
"""

from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
COLUMNS = ["项目名称", "主管部门", "实施单位", "年初预算数", "全年预算数", "年度总体目标", "一级指标", "二级指标",
           "三级指标", "绩效指标性质", "年度指标值", "绩效度量单位", "分值"]
FIXED_COSTS = {   # project → its cost target set to its 全年预算数 (in the row's unit)
    "2022年区级政务外网网络及终端技术服务外包": "246.768",
    "北京市朝阳区政务云底座平台项目": "238.516",
    "朝阳区5G建设及应用项目": "342000",
    "朝阳区办公软件场地授权服务": "657600",
    "朝阳区大数据系统平台建设及应用服务(1)": "9",
    "朝阳区电子政务云平台运维服务": "8",
    "朝阳区人大相关系统服务项目": "93.26",
}


def projects():
    sheet = openpyxl.load_workbook(ROOT / "samples/chaoyang-2024/project_list.xlsx").active
    found, current = [], None
    for row in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(COLUMNS, row))
        if row["项目名称"]:
            current = [row]
            found.append(current)
        else:
            current.append(row)
    return {rows[0]["项目名称"]: rows for rows in found}


def find(rows, name):
    return next(r for r in rows if name in r["三级指标"])


def plant(all_projects):
    p = all_projects
    find(p["北京市朝阳区政务平台密码应用安全建设项目"], "项目期限")["绩效指标性质"] = None           # nature
    find(p["朝阳区“城市管理大脑”（一期）"], "服务响应时间")["年度指标值"] = "及时"                  # number
    rows = p["朝阳区电子政务信息安全外包服务"]                                                      # below_last_year
    find(rows, "月度工作报告")["年度指标值"] = "10"
    find(rows, "故障处理率")["年度指标值"] = "99"
    find(rows, "用户满意度")["年度指标值"] = "100"
    find(p["朝阳区服务器硬件维护服务"], "巡检机房数量")["年度指标值"] = "5台"                        # unit
    find(p["朝阳区公共信用信息服务平台"], "正面影响")["年度指标值"] = "显著提升"                     # scale
    rows = p["朝阳区正版化委托服务"]                                                                # groups
    timely = next(r for r in rows if r["二级指标"] == "时效指标")
    rows.remove(timely)
    rows[0]["分值"] += timely["分值"]
    if not rows[0]["项目名称"]:
        rows[0].update({k: timely[k] for k in COLUMNS[:6]})
    p["朝阳区政府网站功能和监测服务项目"][0]["分值"] += 5                                           # weights
    rows = p["朝阳区5G建设及应用项目"]                                                              # duplicate
    satisfaction = find(rows, "满意度")
    satisfaction["分值"] = 5
    rows.append(dict(satisfaction, 项目名称=None, 三级指标="指标2：用户满意度"))
    find(p["朝阳区办公软件场地授权服务"], "正版化意识")["三级指标"] = "优良中低差"                  # name_is_value
    p["朝阳区大数据系统平台建设及应用服务(1)"][1]["全年预算数"] = 90                               # amounts
    find(p["朝阳区电子政务云平台运维服务"], "用户满意度")["年度指标值"] = "60"                      # satisfaction_floor
    p["朝阳区人大相关系统服务项目"][0]["全年预算数"] = "待定"                                        # unreadable


def main():
    everything = projects()
    chosen = dict(list(everything.items())[:13])
    chosen["朝阳区正版化委托服务"] = everything["朝阳区正版化委托服务"]
    chosen["朝阳区政府网站功能和监测服务项目"] = everything["朝阳区政府网站功能和监测服务项目"]
    chosen["朝阳区电子政务信息安全外包服务"] = everything["朝阳区电子政务信息安全外包服务"]
    for name, amount in FIXED_COSTS.items():
        row = next(r for r in chosen[name] if r["一级指标"] == "成本指标")
        row["年度指标值"] = amount
    plant(chosen)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目绩效目标"
    sheet.append(COLUMNS)
    for rows in chosen.values():
        for row in rows:
            sheet.append([row[c] for c in COLUMNS])
    book.save(HERE / "planted.xlsx")
    print(f"wrote {HERE / 'planted.xlsx'}: {sheet.max_row - 1} rows, {len(chosen)} projects")


if __name__ == "__main__":
    main()
