"""hubei-2020: the rules printed under Hubei's 财政项目绩效自评表 — 预算执行 20 分 (20 × 执行率),
年度绩效目标 blocks whose rows carry no 分值 (each row's weight implied by its score and how far it
was achieved, the block's weights adding up to its points), 定性 bands 80%/50%."""

from decimal import Decimal

from addin.engine import Funds, Indicator, Table, evaluate_table, get_profile

ID = "hubei-2020"


def _row(name, target, actual, score, level1="产出指标"):
    return Indicator(level1, "质量指标", name, None, target, None, actual, None, score)


def _table(rows, blocks, funds_score=20, executed=10, weight=None) -> Table:
    """A table laid out as 黄冈市水土保持与农田水利科研所's 2020 水土保持监测 自评表 (两个 40 分目标)."""
    return Table("水土保持监测", Funds(annual=10, executed=executed, weight=weight, score=funds_score), rows,
                 blocks=blocks)


def _findings(table):
    return [(f.part, f.row, f.finding.kind) for f in evaluate_table(table, ID).findings]


MET = [_row("监测数据合格率", "100%", "100%", 10), _row("取得监测资料", "100%", "100%", 10),
       _row("整编资料审核", "98%", "98%", 20, "效益指标")]
SECOND = [_row("资料整编率", "100%", "100%", 20), _row("按时上报率", "100%", "100%", 20)]
BLOCKS = ((1, 40, "年度绩效目标1（40分）"), (4, 40, "年度绩效目标2（40分）"))


def test_states_source_and_limitations():
    profile = get_profile(ID)
    assert "20 分 × 执行率" in profile.source and "权重 × B/A" in profile.source
    assert profile.funds_weight == 20 and any("推算" in text for text in profile.limitations)


def test_blocks_whose_rows_are_met_add_up_to_their_points():
    result = evaluate_table(_table(MET + SECOND, BLOCKS), ID)
    assert result.findings == [] and result.total == 100 and result.grade == "优"
    assert [d.weight for d in result.indicators] == [10, 10, 20, 20, 20]   # each met row weighs its score


def test_a_met_row_scored_short_of_its_weight_is_found_at_its_block():
    """黄冈's table: 整编资料审核 98% of a 98% target, scored 19.6 (20 × 98%): block 1 adds up to 39.6."""
    rows = [*MET[:2], _row("整编资料审核", "98%", "98%", 19.6, "效益指标"), *SECOND]
    [finding] = evaluate_table(_table(rows, BLOCKS), ID).findings
    assert (finding.part, finding.row, finding.finding.kind) == ("block", 1, "weights_sum")
    assert finding.finding.message == "“年度绩效目标1（40分）”的指标均已完成，得分合计应为40分，填报合计为39.6分"
    assert (finding.finding.reported, finding.finding.expected) == (Decimal("39.6"), 40)


def test_a_partly_met_row_weighs_its_score_over_its_share():
    """正向 得分 = 权重 × B/A read backwards: 50 of ≥100 scored 10 weighs 20."""
    partly = [_row("监测点位数", "≥100个", "50个", 10), _row("资料整编率", "100%", "100%", 20)]
    result = evaluate_table(_table([*MET, *partly], BLOCKS), ID)
    assert result.findings == [] and result.indicators[3].weight == 20
    over = [_row("监测点位数", "≥100个", "50个", 12), _row("资料整编率", "100%", "100%", 20)]
    [finding] = evaluate_table(_table([*MET, *over], BLOCKS), ID).findings
    assert (finding.row, finding.finding.kind) == (2, "weights_sum")
    assert "按完成比例推算的分值合计为44分，与目标分值40分不符" in finding.finding.message
    reverse = [_row("单位成本", "≤80元", "100元", 16), _row("资料整编率", "100%", "100%", 20)]
    assert _findings(_table([*MET, *reverse], BLOCKS)) == []   # 反向 80/100 × 20 = 16


def test_an_exceeded_row_weighs_its_score():
    """得分不得突破权重: 6.47亿元 of a 5亿元 target scored 20 weighs 20, not 20 ÷ 129%."""
    rows = [*MET, _row("医疗收入", "5亿元", "6.47亿元", 20, "效益指标"), _row("资料整编率", "100%", "100%", 20)]
    result = evaluate_table(_table(rows, BLOCKS), ID)
    assert result.findings == [] and result.indicators[3].weight == 20


def test_a_deduction_of_the_profile_is_read_backwards_too():
    """Blocks under a profile that deducts for far exceeding (Chaoyang: 10% from 200% over):
    300 of ≥100 scored 18 weighs 20, 18 being 20 × (100% − 10%)."""
    rows = [*MET, _row("监测次数", "≥100次", "300次", 18), _row("资料整编率", "100%", "100%", 20)]
    table = _table(rows, BLOCKS, funds_score=10, weight=20)
    result = evaluate_table(table, "beijing-chaoyang-2024")
    assert result.indicators[3].weight == 20
    assert [f for f in result.findings if f.part == "block"] == []


def test_a_qualitative_row_weighs_within_its_grades_band():
    """部分达成 is 80%–50% (含50%) of its 分值: 8 points imply a weight of 10 to 16."""
    def block(other):
        return [*MET, _row("制度执行", "严格执行", "部分达成", 8), _row("资料整编率", "100%", "100%", other)]
    assert _findings(_table(block(30), BLOCKS)) == []    # 10–16 + 30 takes in 40
    assert evaluate_table(_table(block(30), BLOCKS), ID).indicators[3].weight == Decimal("12.31")   # 8 ÷ 65%
    assert _findings(_table(block(24), BLOCKS)) == []    # 34–40
    assert _findings(_table(block(23), BLOCKS)) == [("block", 2, "weights_sum")]   # 33–39
    assert _findings(_table(block(35), BLOCKS)) == [("block", 2, "weights_sum")]   # 45–51
    message = evaluate_table(_table(block(35), BLOCKS), ID).findings[0].finding.message
    assert "按完成比例推算的分值合计为45至51分" in message


def test_a_row_that_achieved_nothing_scores_nothing():
    rows = [*MET, _row("新建监测站", "≥2个", "0个", 5), _row("资料整编率", "100%", "100%", 35)]
    assert _findings(_table(rows, BLOCKS)) == [("indicator", 4, "score_mismatch")]   # (it may weigh 5: no block finding)
    result = evaluate_table(_table(rows, BLOCKS), ID)
    assert (result.findings[0].finding.reported, result.findings[0].finding.expected) == (5, 0)
    assert result.indicators[3].weight == 0   # (no share to divide by: shown as 0)
    rows[3] = _row("新建监测站", "≥2个", "0个", 0)
    assert _findings(_table(rows, BLOCKS)) == []
    rows[4] = _row("资料整编率", "100%", "100%", 45)   # (the other row alone weighs more than the block)
    assert _findings(_table(rows, BLOCKS)) == [("block", 2, "weights_sum")]


def test_rounding_of_each_score_is_allowed_for():
    """2 of 3 met on a row weighing 10 is 6.67 (not 6.666…): no finding for the hundredth."""
    rows = [*MET, _row("监测次数", "≥3次", "2次", 6.67), _row("资料整编率", "100%", "100%", 30)]
    assert _findings(_table(rows, BLOCKS)) == []


def test_the_allowance_is_half_a_hundredth_a_row():
    """Met rows whose weights have more decimals than their scores (80 ÷ 3) may each be 0.005
    off: 20 + 19.99 passes a 40-point block; 8 × 4 + 7.97 (0.03 short over five rows) does not."""
    one = ((1, 40, "年度绩效目标1（40分）"),)
    assert _findings(_table([_row("甲", "100%", "100%", 20), _row("乙", "100%", "100%", 19.99)], one)) == \
        [("total", None, "weights_sum")]   # (40 + 20 is no 100: only the total's finding)
    five = [_row(f"指标{n}", "100%", "100%", 8) for n in range(4)] + [_row("指标4", "100%", "100%", 7.97)]
    assert _findings(_table(five, one)) == [("block", 1, "weights_sum"), ("total", None, "weights_sum")]
    over = [_row("甲", "100%", "100%", 20), _row("乙", "100%", "100%", 20.01)]   # (40.01 − 0.01 takes in 40)
    assert _findings(_table(over, one)) == [("total", None, "weights_sum")]
    small = ((1, "39.6", "年度绩效目标1（39.6分）"),)   # 1 of ≥100 weighing 19.6 scores 0.196, shown 0.20: it may
    rows = [_row("甲", "100%", "100%", 20), _row("乙", "≥100个", "1个", 0.2)]   # weigh 19.5–20.5
    assert [f for f in _findings(_table(rows, small)) if f[0] == "block"] == []


def test_a_row_without_a_score_or_a_reading_still_bounds_its_block():
    """No score: the row may weigh anything. An achievement that cannot be read: the row weighs
    at least its score (得分不得突破权重), so a block whose scores alone pass its points is found
    (服务贸易's 产出 60 + 效益 40 in an 80-point block)."""
    rows = [*MET, _row("资料整编率", "100%", "100%", None), *SECOND[1:]]
    assert _findings(_table(rows, BLOCKS)) == [("indicator", 4, "score_missing")]
    rows[3] = _row("资料整编率", "100%", "好几个", 20)
    assert [k for _, _, k in _findings(_table(rows, BLOCKS))] == ["unreadable"]
    assert evaluate_table(_table(rows, BLOCKS), ID).total is None
    rows[3] = _row("资料整编率", "100%", "好几个", 25)
    assert _findings(_table(rows, BLOCKS)) == [("indicator", 4, "unreadable"), ("block", 2, "weights_sum")]
    message = evaluate_table(_table(rows, BLOCKS), ID).findings[1].finding.message
    assert message == "“年度绩效目标2（40分）”各指标得分合计45分，按完成比例推算的分值合计不少于45分，与目标分值40分不符"
    rows[3] = _row("资料整编率", "100%", "100%", "二十")
    assert _findings(_table(rows, BLOCKS)) == [("indicator", 4, "unreadable")]


def test_the_funds_score_is_twenty_times_the_rate_and_the_parts_add_up_to_100():
    assert _findings(_table(MET + SECOND, BLOCKS, funds_score=18, executed=9)) == []
    assert _findings(_table(MET + SECOND, BLOCKS, funds_score=19, executed=9)) == [("funds", None, "exec_score_mismatch")]
    assert _findings(_table(MET + SECOND, BLOCKS, weight="10")) == [("funds", None, "exec_score_mismatch"),
                                                                     ("total", None, "weights_sum")]
    total = evaluate_table(_table(MET + SECOND, BLOCKS, weight="10"), ID).findings[-1].finding
    assert (total.reported, total.expected) == (90, 100)
    assert total.message == "指标分值合计 80，加上年度资金总额分值 10 为 90，应为 100"
    single = ((1, 80, "年度绩效目标1（80分）"),)
    assert _findings(_table(MET + SECOND, single)) == []
    assert _findings(_table(MET + SECOND, ((1, 70, "年度绩效目标1（70分）"),))) == [("block", 1, "weights_sum"),
                                                                                   ("total", None, "weights_sum")]
    assert _findings(_table(MET + SECOND, ((1, "八十", "年度绩效目标1（八十分）"),))) == [("block", 1, "unreadable")]


def test_a_block_without_rows_is_found():
    [finding] = evaluate_table(_table(MET, BLOCKS), ID).findings
    assert (finding.part, finding.row) == ("block", 2)
    assert finding.finding.message == "“年度绩效目标2（40分）”下没有读到计分的指标，其40分没有计入"


def test_the_rest_is_mof_2020():
    hubei, mof = get_profile(ID), get_profile("mof-2020")
    assert hubei.methods == mof.methods and hubei.grade_bands == mof.grade_bands
    assert hubei.bare_nature("成本指标") == "≤"
