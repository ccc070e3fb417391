"""The data model: every stage takes and returns these dataclasses, nothing else.

ingest -> Source; structure -> Report (sections, sentences); extract -> Extraction (commitments,
statements); match -> Candidates; rate -> Verdict; the pipeline gathers them into an Audit.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("fulfilled", "partial", "missing")  # the three ratings, in report order
NOT_A_COMMITMENT = "not_a_commitment"  # a reviewer's fourth answer: the unit is not a commitment at all
REVIEW_STATUSES = STATUSES + (NOT_A_COMMITMENT,)
DEFAULT_MODEL = "m3e-small"  # fetched into models/m3e-small on first use


@dataclass
class Options:
    """One options object passed through every stage (trafilatura's habit)."""

    model: str = DEFAULT_MODEL
    cache_dir: Path | None = None  # embedding cache; None: TRACKER_CACHE_DIR or ~/.cache/tracker
    lang: str = "zh"  # language of the markdown report
    details: bool = False
    backend: str = "auto"  # encoder backend: auto (onnx when exported and installed), torch, onnx
    judge: Path | None = None  # judge file; None: models/judge/judge.json.gz


# ---------------------------------------------------------------- ingest


@dataclass
class Paragraph:
    """A run of clean text that the source presents as one paragraph."""

    start: int  # index into Source.clean
    end: int
    heading: bool = False  # a markdown heading or numbered section/chapter line
    lead_end: int | None = None  # end of a bold lead (**…。**) at the paragraph's start


@dataclass
class Table:
    """A tab-separated table (the indicator table of the development-plan reports)."""

    line: int
    rows: list[list[str]]


@dataclass
class Source:
    """A decoded report with conversion debris removed.

    `clean` keeps the original characters (no folding) so quotes stay faithful;
    `clean_offsets[i]` is the index in `original` of `clean[i]`.
    """

    path: str
    original: str
    clean: str
    clean_offsets: list[int]
    paragraphs: list[Paragraph]
    footnotes: dict[int, str] = field(default_factory=dict)
    footnote_refs: list[tuple[int, int]] = field(default_factory=list)  # (clean index, number)
    tables: list[Table] = field(default_factory=list)

    def line_of(self, original_index: int) -> int:
        return self.original.count("\n", 0, original_index) + 1


# ---------------------------------------------------------------- structure


@dataclass(frozen=True)
class Location:
    line: int  # 1-based line of the sentence's first character in the file
    start: int  # character offsets into the decoded original text
    end: int

    def __str__(self) -> str:
        return f"L{self.line}"


@dataclass
class Sentence:
    id: str
    text: str  # original characters, debris removed: for quoting
    norm: str  # folded punctuation, no CJK–digit spaces: for matching
    location: Location
    section: str  # "review" | "plan" | "other"
    chapter: str  # title of the chapter （一）…, or "" before the first one
    paragraph: int  # index of the paragraph in the report
    position: int  # index of the sentence within its paragraph
    kind: str = "body"  # body | lead | heading | target | preamble | meta | closing | problems | shortfall | retrospective
    footnotes: list[str] = field(default_factory=list)


@dataclass
class Section:
    kind: str  # "review" | "plan" | "other"
    number: str  # 一, 二, …
    title: str
    year: int | None
    line: int


@dataclass
class Report:
    path: str
    title: str
    review_year: int | None
    plan_year: int | None
    sections: list[Section]
    sentences: list[Sentence]
    tables: list[Table]


# ---------------------------------------------------------------- extract


@dataclass
class Quantity:
    text: str  # as written
    value: float  # in base units (万/亿 applied)
    unit: str  # "%", "亿元" -> "元", "人次", …; "" for bare counts
    qualifier: str | None  # at_least | more_than | about | at_most | just_under | aim | range | None
    measure: str  # what is measured, e.g. "地区生产总值"
    kind: str  # "growth" | "level" | "share" | "change" | "baseline" (由2010年的5.24亿元: where a change started)
    average: bool = False  # 两年平均增长…
    start: int = 0  # offsets in the sentence's norm text
    end: int = 0
    upper: float | None = None  # the other end of a range (增长6%－6.5%: value 6, upper 6.5)


@dataclass
class Item:
    """A commitment (plan) or statement (review): one located sentence and its quantities."""

    id: str
    sentence: Sentence
    quantities: list[Quantity]
    target: bool = False  # one entry of the plan's list of main targets

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def chapter(self) -> str:
        return self.sentence.chapter


@dataclass
class Extraction:
    report: Report
    commitments: list[Item]
    statements: list[Item]


# ---------------------------------------------------------------- match and rate


@dataclass
class Evidence:
    statement: Item
    score: float  # fused score, the ranking key
    signals: dict[str, float]  # each signal's score


@dataclass
class Candidates:
    commitment: Item
    clauses: list[str]
    concrete: list[bool]  # which clauses the judge reads as checkable parts (not purpose or slogan)
    evidence: list[Evidence]  # candidates above the listing threshold, strongest first
    features: dict[str, float] = field(default_factory=dict)  # commitment-level signal features
    repeat: Evidence | None = None  # the next plan's commitment that promises it again, if any
    read: list[Item] = field(default_factory=list)  # every statement the judge read, strongest first
    probability: Any = None  # P(evidence) per (clause, statement of `read`): a numpy array


@dataclass
class TargetCheck:
    target: Quantity
    actual: Quantity | None
    met: bool | None  # None: no comparable figure reported


@dataclass
class Review:
    """A person's verdict on one commitment, read back from a reviewed workbook. It is tied to the
    commitment by its text (ids shift when extraction changes)."""

    text: str  # the commitment as the reviewer saw it
    status: str  # one of REVIEW_STATUSES
    evidence: list[str] = field(default_factory=list)  # statement texts the reviewer accepts as evidence
    reviewer: str = ""
    note: str = ""
    id: str = ""  # the commitment's id in the reviewed workbook


@dataclass
class Verdict:
    commitment: Item
    status: str  # fulfilled | partial | missing: the machine's verdict
    confidence: float
    reason: str
    evidence: list[Evidence]
    clauses: list[str]
    readings: list[str]  # per clause, the judge's part model: done | progress | none (all none when missing)
    targets: list[TargetCheck] = field(default_factory=list)
    repeat: Evidence | None = None  # carried over: the next plan promises it again
    review: Review | None = None  # a reviewer's verdict, which decides
    nearest: Evidence | None = None  # missing: the statement that came closest, to check (not evidence)
    aside: float = 0.0  # the judge's P that readers would call the sentence no commitment at all

    @property
    def likely_aside(self) -> bool:
        """Probably a topic lead, a call on others or a look back: still rated, flagged for the reader."""
        return self.aside >= 0.5

    @property
    def flagged_aside(self) -> bool:
        """Shown as maybe no commitment: the judge thinks so and no reviewer has ruled on it yet."""
        return self.likely_aside and self.review is None

    @property
    def covered(self) -> list[bool]:
        """Which clauses are reported at all, done or under way."""
        return [reading != "none" for reading in self.readings]

    @property
    def carried_over(self) -> bool:
        return self.repeat is not None

    @property
    def final(self) -> str:
        """The status that stands: the reviewer's where there is one, else the machine's."""
        return self.review.status if self.review else self.status


@dataclass
class Audit:
    plan: Report
    execution: Report
    year: int
    model: str
    verdicts: list[Verdict]
    judge: str = "judge"  # which judge file rated it
    unmatched_reviews: list[Review] = field(default_factory=list)  # reviews whose commitment is gone

    def rated(self) -> list[Verdict]:
        """The verdicts that count: all but those a reviewer found not to be commitments."""
        return [verdict for verdict in self.verdicts if verdict.final != NOT_A_COMMITMENT]

    def reviewed(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.review]

    def by_chapter(self) -> dict[str, Counter]:
        """Final status counts per chapter, chapters in report order ("—" outside the numbered chapters)."""
        result: dict[str, Counter] = {}
        for verdict in self.rated():
            result.setdefault(verdict.commitment.chapter or "—", Counter())[verdict.final] += 1
        return result

    def summary(self) -> dict[str, int]:
        counts = {status: 0 for status in STATUSES}
        for verdict in self.rated():
            counts[verdict.final] += 1
        return counts

    def carried_over(self) -> int:
        """How many commitments the next plan promises again."""
        return sum(verdict.carried_over for verdict in self.rated())


@dataclass
class Chain:
    """Audits of consecutive pairs R1→R2, R2→R3…: the plan of one pair is the next pair's
    execution report's plan, so a carried-over commitment can be followed from year to year."""

    audits: list[Audit]

    def perennial(self, min_plans: int = 3) -> list[list[tuple[int, Verdict]]]:
        """Promises made in at least `min_plans` consecutive plans: each as (plan year, verdict) year
        by year; a last verdict's `repeat` counts as one more plan (the final report's own plan)."""
        by_item = [{id(v.commitment): v for v in audit.verdicts} for audit in self.audits]
        continued = {id(v.repeat.statement) for audit in self.audits for v in audit.verdicts if v.repeat}
        chains = []
        for index, audit in enumerate(self.audits):
            for verdict in audit.verdicts:
                if id(verdict.commitment) in continued:
                    continue  # not the start of a chain
                run = [(audit.year, verdict)]
                while run[-1][1].repeat and index + len(run) < len(self.audits):
                    following = self.audits[index + len(run)]
                    found = by_item[index + len(run)].get(id(run[-1][1].repeat.statement))
                    if found is None:
                        break
                    run.append((following.year, found))
                if len(run) + (1 if run[-1][1].repeat else 0) >= min_plans:
                    chains.append(run)
        return chains
