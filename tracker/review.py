"""The deputy's review loop: verdicts a reviewer corrected in pairs.xlsx, read back, kept and reused.

A reviewer fills the editable columns of the 承诺 sheet (人工评定, 人工采信的证据, 复核人, 复核意见);
`tracker review` reads them back (every problem is one ReviewError naming the file, the sheet and
the cell), and they are stored beside the pair's outputs as reviews.json. Every later audit writing
into that folder applies them again, tied to commitments by their text (ids shift when extraction
changes), and says which no longer match anything. reviews.json is also training data for the
judge (data/reviewed/, see data/README.md).
"""
from __future__ import annotations

import json
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from .errors import ReviewError
from .evaluate import ALIGN_MIN, cohen_kappa, text_key
from .model import NOT_A_COMMITMENT, REVIEW_STATUSES, STATUSES, Audit, Review, Verdict

REVIEW_SHEET = "承诺"
INFO_SHEET = "说明"
EDITABLE = ("人工评定", "人工采信的证据", "复核人", "复核意见")
STATUS_WORDS = {"已落实": "fulfilled", "部分落实": "partial", "未见下文": "missing", "不是承诺": NOT_A_COMMITMENT}
WORD_OF = {status: word for word, status in STATUS_WORDS.items()}
WORKBOOK_FORMAT = "tracker-review/1"
REVIEWS_FILE = "reviews.json"
REVIEWS_FORMAT = "tracker-reviews/1"
# 说明 sheet: label in column A, value in column B, in this order.
INFO_KEYS = {"格式": "format", "年度": "year", "计划报告": "plan_title", "计划报告文件": "plan_path",
             "执行报告": "execution_title", "执行报告文件": "execution_path", "判定模型": "judge"}
REPOSITORY = Path(__file__).resolve().parent.parent  # relative report paths are read from here
STATEMENT_ID = re.compile(r"^E\d{3,}$")
EVIDENCE_SPLIT = re.compile(r"[\n；;，,、]+")


@dataclass
class ReviewSet:
    """The reviews of one report pair and which pair that is."""

    source: str  # the file they were read from
    info: dict[str, str]  # INFO_KEYS values: format, year, titles, paths, judge
    reviews: list[Review]


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def read_workbook(path: str | Path, statement_texts: dict[str, str] | None = None) -> ReviewSet:
    """The reviews in a corrected pairs.xlsx. `statement_texts` (id -> text, every statement of the
    review) turns statement ids in 人工采信的证据 into texts, and an unknown id is an error; without
    it the ids of the 匹配对 sheet are used and an id not found there is kept as it is."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise ReviewError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise ReviewError(f"{path}: not an xlsx workbook ({str(error).splitlines()[0] if str(error) else type(error).__name__})") from None
    for name in (REVIEW_SHEET, INFO_SHEET):
        if name not in book.sheetnames:
            raise ReviewError(f"{path}: sheet {name} is missing (found {', '.join(book.sheetnames)}); "
                              "use the pairs.xlsx that tracker audit wrote")
    info = _read_info(path, book[INFO_SHEET])
    sheet = book[REVIEW_SHEET]
    header = [_cell_text(cell.value) for cell in sheet[1]]
    columns = {}
    for name in ("编号", "承诺", "评定") + EDITABLE:
        if name not in header:
            raise ReviewError(f"{path}: sheet {REVIEW_SHEET}, row 1: column {name} is missing (deleted or renamed?)")
        columns[name] = header.index(name)
    strict = statement_texts is not None
    if statement_texts is None:
        statement_texts = _pair_sheet_statements(book)
    reviews = []
    for row in sheet.iter_rows(min_row=2):
        values = {name: _cell_text(row[index].value) if index < len(row) else "" for name, index in columns.items()}
        if not values["承诺"]:
            continue
        word = values["人工评定"]
        if not word:
            continue
        status = STATUS_WORDS.get(word) or (word if word in REVIEW_STATUSES else None)
        if status is None:
            cell = row[columns["人工评定"]].coordinate
            raise ReviewError(f"{path}: sheet {REVIEW_SHEET}, cell {cell}: 人工评定 must be one of "
                              f"{'、'.join(STATUS_WORDS)} (found {word!r})")
        evidence = _evidence(path, row[columns["人工采信的证据"]].coordinate, values["人工采信的证据"], statement_texts,
                             strict)
        reviews.append(Review(values["承诺"], status, evidence, values["复核人"], values["复核意见"], values["编号"]))
    return ReviewSet(str(path), info, reviews)


def _read_info(path: Path, sheet) -> dict[str, str]:
    found = {}
    for row in sheet.iter_rows(min_row=1, max_col=2):
        label = _cell_text(row[0].value)
        if label in INFO_KEYS:
            found[INFO_KEYS[label]] = _cell_text(row[1].value)
    for label, key in INFO_KEYS.items():
        if not found.get(key):
            raise ReviewError(f"{path}: sheet {INFO_SHEET}: the row {label} is missing or empty")
    if found["format"] != WORKBOOK_FORMAT:
        raise ReviewError(f"{path}: sheet {INFO_SHEET}, 格式: {found['format']!r} is not {WORKBOOK_FORMAT}")
    return found


def _pair_sheet_statements(book) -> dict[str, str]:
    """Statement ids and texts listed in the 匹配对 sheet (the candidates a reviewer saw)."""
    if "匹配对" not in book.sheetnames:
        return {}
    rows = book["匹配对"].iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(rows, ())]
    if "引文编号" not in header or "引文" not in header:
        return {}
    at_id, at_text = header.index("引文编号"), header.index("引文")
    return {_cell_text(row[at_id]): _cell_text(row[at_text]) for row in rows if row and row[at_id]}


def _evidence(path: Path, cell: str, value: str, statement_texts: dict[str, str], strict: bool) -> list[str]:
    """Statement ids ("E012，E015") become their texts; otherwise each line is a quoted statement."""
    tokens = [token.strip() for token in EVIDENCE_SPLIT.split(value) if token.strip()]
    if not tokens:
        return []
    if not all(STATEMENT_ID.match(token) for token in tokens):
        return [line.strip().strip("“”\"'") for line in value.splitlines() if line.strip()]
    unknown = [token for token in tokens if token not in statement_texts]
    if unknown and strict:
        raise ReviewError(f"{path}: sheet {REVIEW_SHEET}, cell {cell}: {unknown[0]} is not a statement of the review")
    return [statement_texts.get(token, token) for token in tokens]


def pair_info(audit: Audit) -> dict[str, str]:
    """Which pair an audit is, as the 说明 sheet and reviews.json record it."""
    return {"format": WORKBOOK_FORMAT, "year": str(audit.year), "plan_title": audit.plan.title,
            "plan_path": _portable(audit.plan.path), "execution_title": audit.execution.title,
            "execution_path": _portable(audit.execution.path), "judge": audit.judge}


def _portable(path: str) -> str:
    """A report's path relative to the repository when it lies inside, else absolute."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(REPOSITORY))
    except ValueError:
        return str(resolved)


def report_paths(reviews: ReviewSet) -> tuple[Path, Path]:
    """The plan and execution reports of a reviewed pair (relative paths: from the repository)."""
    paths = []
    for key in ("plan_path", "execution_path"):
        path = Path(reviews.info[key])
        path = path if path.is_absolute() else REPOSITORY / path
        if not path.is_file():
            raise ReviewError(f"{reviews.source}: the report {reviews.info[key]} named in sheet {INFO_SHEET} is not "
                              "there; put it back at that path to rebuild the audit")
        paths.append(path)
    return paths[0], paths[1]


def apply(audit: Audit, reviews: ReviewSet) -> Audit:
    """Tie each review to the commitment with the same text (best match above the alignment bar,
    each commitment once); the rest are kept as unmatched. Refuses reviews of another pair."""
    keys = [text_key(v.commitment.text) for v in audit.verdicts]
    taken: dict[int, Review] = {}
    unmatched = []
    for review in reviews.reviews:
        key = text_key(review.text)
        choices = {i: k for i, k in enumerate(keys) if i not in taken}
        found = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=ALIGN_MIN)
        if found is None:
            unmatched.append(review)
        else:
            taken[found[2]] = review
    if reviews.reviews and len(taken) * 2 < len(reviews.reviews) or str(audit.year) != reviews.info["year"]:
        raise ReviewError(
            f"{reviews.source}: reviews of another report pair ({reviews.info['year']}: {reviews.info['plan_title']}); "
            f"only {len(taken)} of {len(reviews.reviews)} reviewed commitments are in the audit of {audit.year} "
            f"({audit.plan.path} → {audit.execution.path})")
    for index, verdict in enumerate(audit.verdicts):
        verdict.review = taken.get(index)
    audit.unmatched_reviews = unmatched
    return audit


def reviews_document(audit: Audit) -> dict:
    """reviews.json: the pair, and every review with the evidence it stands on (the reviewer's, or
    where the reviewer agreed the commitment was addressed without naming any, the machine's)."""
    info = pair_info(audit)
    entries = []
    for verdict in audit.reviewed():
        review = verdict.review
        evidence = review.evidence or ([e.statement.text for e in verdict.evidence]
                                       if review.status in ("fulfilled", "partial") and verdict.status != "missing" else [])
        entries.append({**asdict(review), "evidence": evidence, "machine_status": verdict.status})
    entries += [{**asdict(review), "machine_status": None} for review in audit.unmatched_reviews]
    return {"format": REVIEWS_FORMAT,
            "plan_report": {"path": info["plan_path"], "title": info["plan_title"], "year": int(info["year"])},
            "execution_report": {"path": info["execution_path"], "title": info["execution_title"], "year": int(info["year"])},
            "info": info, "commitments": entries}


def load(folder: str | Path) -> ReviewSet | None:
    """The reviews stored in an output folder, or None when it has none."""
    path = Path(folder) / REVIEWS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != REVIEWS_FORMAT:
            raise ValueError(f"format {data.get('format')!r} is not {REVIEWS_FORMAT}")
        reviews = [Review(e["text"], e["status"], e.get("evidence", []), e.get("reviewer", ""), e.get("note", ""),
                          e.get("id", "")) for e in data["commitments"]]
        return ReviewSet(str(path), data["info"], reviews)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ReviewError(f"{path}: not a reviews file ({error})") from None


@dataclass
class Agreement:
    reviewed: int
    agreed: int
    kappa: float  # machine vs reviewer over the reviewed commitments the reviewer rated
    changed: list[Verdict]


def agreement(audit: Audit) -> Agreement:
    reviewed = audit.reviewed()
    rated = [(v.review.status, v.status) for v in reviewed if v.review.status in STATUSES]
    return Agreement(len(reviewed), sum(v.review.status == v.status for v in reviewed), cohen_kappa(rated),
                     [v for v in reviewed if v.review.status != v.status])
