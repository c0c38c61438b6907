"""Property tests of the direction cues: whatever surrounds them, a negated cue never reads as
the bare cue it contains, and every cue reads the direction it states."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.parsing import AT_LEAST_CUES, AT_MOST_CUES, PlanContext, parse_targets

ONE_YEAR = PlanContext(2024, 2024)
# Pairs (bare, negated) whose directions differ: 低于 is at most, 不低于 at least.
CUE_PAIRS = [
    ("低于", "不低于"),
    ("少于", "不少于"),
    ("小于", "不小于"),
    ("高于", "不高于"),
    ("超过", "不超过"),
    ("多于", "不多于"),
    ("大于", "不大于"),
    ("低于", "不得低于"),
    ("少于", "不得少于"),
    ("超过", "不得超过"),
    ("高于", "不得高于"),
    ("超过", "不应超过"),
    ("低于", "不应低于"),
]
# Subjects of real plans (no cue, unit or numeral in them) and the figures that follow.
SUBJECTS = st.sampled_from(
    ["城镇新增就业", "城镇登记失业率", "高校毕业生就业率", "技能培训", "参保人数", "创业带动就业", "办结时限", "补贴发放"]
)
PREFIXES = st.sampled_from(["", "全市", "2024年", "力争", "确保", "各区"])
FIGURES = st.tuples(
    st.decimals(min_value=Decimal("0.5"), max_value=Decimal("99999"), places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from(["人", "人次", "%", "个", "家", "万人", "个工作日"]),
)


def comparator(text):
    result = parse_targets(text, ONE_YEAR)
    assert len(result.targets) == 1, (text, result)
    return result.targets[0].comparator


@settings(max_examples=300, deadline=None)
@given(pair=st.sampled_from(CUE_PAIRS), prefix=PREFIXES, subject=SUBJECTS, figure=FIGURES)
def test_a_negated_cue_never_reads_as_the_bare_one(pair, prefix, subject, figure):
    bare, negated = pair
    number = format(figure[0].normalize(), "f")
    bare_reading = comparator(f"{prefix}{subject}{bare}{number}{figure[1]}")
    negated_reading = comparator(f"{prefix}{subject}{negated}{number}{figure[1]}")
    assert bare_reading != negated_reading


@settings(max_examples=300, deadline=None)
@given(cue=st.sampled_from(AT_LEAST_CUES + AT_MOST_CUES), prefix=PREFIXES, subject=SUBJECTS, figure=FIGURES)
def test_every_cue_reads_the_direction_it_states(cue, prefix, subject, figure):
    number = format(figure[0].normalize(), "f")
    expected = "gte" if cue in AT_LEAST_CUES else "lte"
    if cue in {"以上", "以内", "以下", "之内"}:
        text = f"{prefix}{subject}{number}{figure[1]}{cue}"
    else:
        text = f"{prefix}{subject}{cue}{number}{figure[1]}"
    assert comparator(text) == expected, text


@settings(max_examples=200, deadline=None)
@given(
    subject=SUBJECTS,
    low=st.integers(min_value=1, max_value=500),
    width=st.integers(min_value=1, max_value=500),
    dash=st.sampled_from(["—", "-", "~", "～", "至", "到", "–", "——"]),
    unit=st.sampled_from(["%", "人", "万人", "个"]),
)
def test_a_range_reads_as_one_target_between_its_ends(subject, low, width, dash, unit):
    repeat = unit if unit == "%" else ""
    result = parse_targets(f"{subject}{low}{repeat}{dash}{low + width}{unit}", ONE_YEAR)
    assert [(t.comparator, t.value_max > t.value) for t in result.targets] == [("between", True)]
