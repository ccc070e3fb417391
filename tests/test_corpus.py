"""Every real report in data/corpus parses with the right years, or fails with one clear line.

A report named YYYY.txt is delivered in year YYYY: it reviews YYYY-1 and plans YYYY. The reports
that cannot be audited say why in one line: change-of-term reports reviewing five years with no
year in their titles, reports whose sections are topics rather than review and plan, and the
2009 text whose section 二 was lost.
"""
from pathlib import Path

import pytest

from tracker import pipeline
from tracker.errors import StructureError

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
REPORTS = sorted(CORPUS.rglob("*.txt"))
FAILS = {
    "national-gwr/1993.txt": "no review and no plan section found (一、改革开放和现代化建设取得伟大成就的五年",
    "national-gwr/2001.txt": "no year for the review or the plan (一、“九五”时期国民经济和社会发展的回顾",
    "national-gwr/2002.txt": "no review and no plan section found (一、扩大和培育内需，促进经济较快增长",
    "national-gwr/2003.txt": "no year for the review or the plan (一、过去五年政府工作的回顾; 二、对今年政府工作的建议)",
    "national-gwr-tmx/2009.txt": "section 二、 is missing (found 三、2009年主要任务 after 1 of 2 sections)",
}


def test_the_corpus_is_all_there():
    assert len(REPORTS) == 46


@pytest.mark.parametrize("path", REPORTS, ids=[str(p.relative_to(CORPUS)) for p in REPORTS])
def test_report_years_or_one_clear_line(path):
    name = str(path.relative_to(CORPUS))
    if name in FAILS:
        with pytest.raises(StructureError) as failure:
            pipeline.read_report(path)
        message = str(failure.value)
        assert message.startswith(f"{path}: {FAILS[name]}") and "\n" not in message
        return
    extraction = pipeline.read_report(path)
    year = int(path.stem)
    assert (extraction.report.review_year, extraction.report.plan_year) == (year - 1, year)
    assert extraction.commitments and extraction.statements
