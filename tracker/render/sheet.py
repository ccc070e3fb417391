"""The spreadsheet of matched pairs (xlsx: 承诺, 匹配对, 汇总, 说明) and a CSV of the pairs (UTF-8
with BOM so that Excel on Windows shows the Chinese).

The workbook is also the review form: in the 承诺 sheet a reviewer fills 人工评定 (a drop-down),
人工采信的证据, 复核人 and 复核意见; every other cell is protected (no password, so a deliberate
edit is one click away, an accidental one is not). The 说明 sheet names the report pair, so that
`tracker review` can rebuild the audit and apply the reviews (tracker/review.py).

Text cells that begin with = + - @ get a leading apostrophe, and xlsx cells are stored as text,
so quoted report text can never become a formula (CSV/formula injection).
"""
from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import review
from ..model import STATUSES as LABELS
from ..model import Audit

FILLS = {"fulfilled": "C6EFCE", "partial": "FFEB9C", "missing": "FFC7CE"}
STATUS_FILLS = {review.WORD_OF[status]: colour for status, colour in FILLS.items()}
EDITABLE_FILL = "FFF2CC"
HOW_TO_REVIEW = [
    "复核方法：在“承诺”工作表的“人工评定”列选择 已落实 / 部分落实 / 未见下文 / 不是承诺（留空表示同意程序评定、未复核），",
    "在“人工采信的证据”列填写引文编号（如 E012，多个用逗号分隔，编号见“匹配对”工作表）或直接粘贴原文，",
    "并填写“复核人”和“复核意见”。其余各列和本工作表受保护，请勿修改、删除或改名；可以排序和筛选。",
    "未见下文的承诺若有“最接近的表述（未采信）”，请先核对这一条：程序判断它没有说到该承诺；若其实说到了，把它的原文粘贴到“人工采信的证据”列。",
    "交回后运行：tracker review 本文件.xlsx --out 输出目录",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A cell value that spreadsheet programs will never evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def frames(audit: Audit) -> dict[str, pd.DataFrame]:
    commitments, pairs = [], []
    for verdict in audit.verdicts:
        item = verdict.commitment
        checks = verdict.targets
        commitments.append({
            "编号": item.id,
            "章节": item.chapter,
            "承诺": item.text,
            "评定": review.WORD_OF[verdict.status],
            "置信度": round(verdict.confidence, 3),
            "理由": verdict.reason,
            "可能不是承诺": "是" if verdict.likely_aside else "",
            "最佳引文": verdict.evidence[0].statement.text if verdict.evidence else "",
            "最接近的表述（未采信）": verdict.nearest.statement.text if verdict.nearest else "",
            "目标": "；".join(c.target.text for c in checks),
            "报告数值": "；".join(c.actual.text if c.actual else "—" for c in checks),
            "次年再提": "是" if verdict.carried_over else "",
            "次年计划表述": verdict.repeat.statement.text if verdict.repeat else "",
            "行号": item.sentence.location.line,
            "人工评定": review.WORD_OF[verdict.review.status] if verdict.review else "",
            "人工采信的证据": "\n".join(verdict.review.evidence) if verdict.review else "",
            "复核人": verdict.review.reviewer if verdict.review else "",
            "复核意见": verdict.review.note if verdict.review else "",
        })
        for rank, evidence in enumerate(verdict.evidence, 1):
            row = {"承诺编号": item.id, "承诺": item.text, "评定": review.WORD_OF[verdict.status], "名次": rank,
                   "引文编号": evidence.statement.id, "引文": evidence.statement.text,
                   "引文章节": evidence.statement.chapter, "引文行号": evidence.statement.sentence.location.line}
            row.update({f"信号_{name}": round(value, 4) for name, value in evidence.signals.items()})
            row["融合分"] = round(evidence.score, 4)
            pairs.append(row)
    summary = [{"章节": chapter, **{label: counts[label] for label in LABELS}, "合计": sum(counts.values())}
               for chapter, counts in audit.by_chapter().items()]
    totals = audit.summary()
    summary.append({"章节": "合计", **totals, "合计": sum(totals.values())})
    pair_columns = ["承诺编号", "承诺", "评定", "名次", "引文编号", "引文", "引文章节", "引文行号"]
    info = review.pair_info(audit)
    about = [{"项目": label, "内容": info[key]} for label, key in review.INFO_KEYS.items()]
    about += [{"项目": "复核说明" if i == 0 else "", "内容": line} for i, line in enumerate(HOW_TO_REVIEW)]
    return {
        "承诺": pd.DataFrame(commitments),
        "匹配对": pd.DataFrame(pairs, columns=pairs and list(pairs[0]) or pair_columns),
        "汇总": pd.DataFrame(summary),
        review.INFO_SHEET: pd.DataFrame(about),
    }


def _guarded(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(safe)


def xlsx_bytes(audit: Audit) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames(audit).items():
            _guarded(frame).to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            if sheet.max_row > 1:
                sheet.auto_filter.ref = sheet.dimensions
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for index, column in enumerate(frame.columns, 1):
                longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
                sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest * 1.6 if longest < 12 else 40))
            status_column = next((i for i, c in enumerate(frame.columns, 1) if c == "评定"), None)
            editable = [i for i, c in enumerate(frame.columns) if name == review.REVIEW_SHEET and c in review.EDITABLE]
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # stored as text, never parsed as a formula
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                for index in editable:
                    row[index].protection = Protection(locked=False)
                    row[index].fill = PatternFill("solid", fgColor=EDITABLE_FILL)
                if status_column:
                    status = row[status_column - 1].value
                    if status in STATUS_FILLS:
                        row[status_column - 1].fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
            if editable and sheet.max_row > 1:
                choice = DataValidation(type="list", formula1='"' + ",".join(review.STATUS_WORDS) + '"', allow_blank=True,
                                        showErrorMessage=True, errorTitle="人工评定",
                                        error="请选择：" + "、".join(review.STATUS_WORDS))
                letter = get_column_letter(frame.columns.get_loc("人工评定") + 1)
                choice.add(f"{letter}2:{letter}{sheet.max_row}")
                sheet.add_data_validation(choice)
            _protect(sheet)
    return _deterministic(buffer.getvalue())


def _protect(sheet) -> None:
    """Lock the sheet without a password; sorting, filtering and resizing stay allowed."""
    protection = sheet.protection
    protection.sheet = True
    protection.sort = protection.autoFilter = False
    protection.formatColumns = protection.formatRows = protection.formatCells = False


FIXED_TIME = "2000-01-01T00:00:00Z"


def _deterministic(data: bytes) -> bytes:
    """The same audit gives the same bytes: fixed zip entry times and document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.encode(), content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def pairs_csv(audit: Audit) -> str:
    return "\ufeff" + _guarded(frames(audit)["匹配对"]).to_csv(index=False)
