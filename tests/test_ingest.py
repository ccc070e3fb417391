
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import ingest, structure
from tracker.errors import InputError

from .conftest import PLAN_2022


def write(tmp_path, data: bytes):
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    return path


SAMPLE = "一、2021年工作回顾\n全年完成投资39亿元。\n二、2022年主要任务\n新建5个口袋公园。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_reads_supported_encodings(tmp_path, encoding):
    source = ingest.read(write(tmp_path, SAMPLE.encode(encoding)))
    assert "新建5个口袋公园。" in source.clean


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x00\x01\x02binary\x00", "binary file"),
        (b"\xff\xfe\xfd\x80\x81" * 3, "cannot decode"),
    ],
)
def test_bad_input_is_refused(tmp_path, data, message):
    with pytest.raises(InputError, match=message):
        ingest.read(write(tmp_path, data))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest.read(tmp_path / "nope.txt")


def test_footnotes_and_page_breaks_are_removed_and_sentences_rejoined():
    source = ingest.read(PLAN_2022)
    assert "推动粤港澳大湾区生命健康产业创新区重点打造健康医疗核心区" in source.clean
    assert "“家政+养老”等重点工作，探索打造更多颐康中心" in source.clean
    assert "<sup>" not in source.clean and "**" not in source.clean and "---" not in source.clean
    assert source.footnotes[8].startswith("“双核引领、三带协同、四极联动”")
    assert len(source.tables) == 1 and source.tables[0].rows[0][0] == "指标名称"


def test_normalise_folds_punctuation_next_to_cjk_only():
    norm, index_map = ingest.normalise("(一)积极应对,经济活力 2021 年 GDP 增长 6%，共1,000 R&D 投入")
    assert norm == "（一）积极应对，经济活力2021年GDP增长6%，共1,000 R&D投入"
    assert len(index_map) == len(norm)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_arbitrary_text_never_crashes_ingest(text):
    try:
        source = ingest.clean("x.txt", text)
    except InputError:
        return
    for index, char in enumerate(source.clean):
        if char != "\n":
            assert text[source.clean_offsets[index]] == char


PIECES = st.sampled_from(
    ["推进", "建设", "。", "；", "，", "“", "”", "《", "》", "（", "）", "\n", "\n\n", "---\n", "<sup>3</sup>",
     "**", "一、2022年主要任务\n", "(一)", "12.5%", " ", "5 个", "增长", "?", ",", "——"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, max_size=60))
def test_every_sentence_maps_back_to_its_original_text(pieces):
    text = "".join(pieces)
    source = ingest.clean("x.txt", text)
    builder = structure._Builder(source)
    for paragraph in source.paragraphs:
        raw = source.clean[paragraph.start:paragraph.end]
        norm, norm_map = ingest.normalise(raw)
        for span in structure.split_sentences(norm):
            sentence = builder.sentence(norm, norm_map, paragraph.start, span, "plan", "", 0, 0, "body")
            for i in range(*span):
                original = text[source.clean_offsets[paragraph.start + norm_map[i]]]
                assert original == norm[i] or ingest.FOLD.get(original) == norm[i]
            assert text[sentence.location.start] == sentence.text[0]
            assert text[sentence.location.end - 1] == sentence.text[-1]
