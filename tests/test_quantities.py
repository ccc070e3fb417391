import pytest

from tracker.quantities import parse


@pytest.mark.parametrize(
    "text, value, unit, qualifier, kind",
    [
        ("总投资超380亿元", 3.8e10, "元", "more_than", "level"),
        ("开展“南粤家政”培训4000人次以上", 4000, "人次", "at_least", "level"),
        ("地区生产总值增长4%左右", 4, "%", "about", "growth"),
        ("新增地区能源消费总量控制在25万吨标准煤以内", 250000, "吨标准煤", "at_most", "level"),
        ("新增专利授权量1.13万件", 11300, "件", None, "level"),
        ("高标准建设麓湖、流花湖共3.3公里生态碧道", 3.3, "公里", None, "level"),
        ("单位GDP能耗下降0.5%左右", -0.5, "%", "about", "change"),
        ("减免租金近2亿元", 2e8, "元", "just_under", "level"),
        ("城镇调查失业率5.5%左右", 5.5, "%", "about", "share"),
        ("力争引进10家以上500强", 10, "家", "at_least", "level"),
        ("力争63个区重点建设项目全年完成投资", 63, "个", "aim", "level"),
        ("逾1500场", 1500, "场", "more_than", "level"),
    ],
)
def test_quantity(text, value, unit, qualifier, kind):
    quantity = parse(text)[0]
    assert quantity.value == pytest.approx(value)
    assert (quantity.unit, quantity.qualifier, quantity.kind) == (unit, qualifier, kind)


def test_two_year_average_and_measure():
    first, second = parse("三大主导产业增加值增长8.3%、两年平均增长5.7%")
    assert not first.average and second.average and second.value == 5.7
    assert parse("地区生产总值增长4%左右")[0].measure == "地区生产总值"


@pytest.mark.parametrize("text", ["2022年是党的二十大召开之年", "“3+3”核心产业", "第十七中学", "5G基站", "2.0版本课后服务"])
def test_not_quantities(text):
    assert parse(text) == []


def test_chinese_numeral_counts():
    assert parse("五个国家重点实验室")[0].value == 5
    assert parse("建设2个市级和1个区级家政服务培训基地")[1].value == 1


def test_respectively_gives_each_figure_its_subject():
    """"A、B分别为x和y" (Shanghai 2020): x measures A and y measures B, not both B."""
    unemployment = parse("城镇调查失业率、城镇登记失业率分别为4.8%左右和4.3%左右，")
    assert [(q.measure, q.value, q.qualifier) for q in unemployment] == [
        ("城镇调查失业率", 4.8, "about"), ("城镇登记失业率", 4.3, "about")]
    fewer = parse("政府会议和发文数量分别减少15.2%和20.3%")
    assert [(q.measure, q.value, q.kind) for q in fewer] == [("政府会议", -15.2, "change"), ("发文数量", -20.3, "change")]
    income = parse("城乡常住居民人均可支配收入分别增长7%和8%左右。")
    assert {(q.measure, q.kind, q.qualifier) for q in income} == {("城乡常住居民人均可支配收入", "growth", "about")}


def test_ranges_and_baselines():
    """National targets give ranges ("增长6%－6.5%", met by 6.1%); a look-back's starting figure
    ("由2010年的5.24亿元增加到…") is not what was reached; 降幅 is a decline."""
    growth = parse("国内生产总值增长6%－6.5%；")
    assert [(q.value, q.upper, q.qualifier, q.kind) for q in growth] == [(6, 6.5, "range", "growth")]
    assert [(q.value, q.upper) for q in parse("主要污染物排放总量减少8%至10%")] == [(-8, -10)]
    assert parse("国内生产总值增长6-6.5%")[0].upper == 6.5
    start, reached, _ = parse("公共财政预算收入由2010年的5.24亿元增加到2015年的15.07亿元，年均增长23.53%；")
    assert (start.kind, reached.kind, reached.value) == ("baseline", "level", 1.507e9)
    assert [(q.value, q.kind) for q in parse("能耗降幅超过3%")] == [(-3, "change")]
    assert parse("2021—2025年") == []
    assert [q.text for q in parse("占比5%-10万人")] == ["5%", "10万人"]  # two figures, no range
