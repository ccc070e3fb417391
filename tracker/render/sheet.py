"""The spreadsheet of matched pairs (xlsx: 承诺, 匹配对, 汇总) and a CSV of the pairs (UTF-8 with BOM
so that Excel on Windows shows the Chinese).

Text cells that begin with = + - @ get a leading apostrophe, and xlsx cells are stored as text,
so quoted report text can never become a formula (CSV/formula injection).
"""
from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..model import STATUSES as LABELS
from ..model import Audit

FILLS = {"fulfilled": "C6EFCE", "partial": "FFEB9C", "missing": "FFC7CE"}
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
            "评定": verdict.status,
            "置信度": round(verdict.confidence, 3),
            "理由": verdict.reason,
            "最佳引文": verdict.evidence[0].statement.text if verdict.evidence else "",
            "目标": "；".join(c.target.text for c in checks),
            "报告数值": "；".join(c.actual.text if c.actual else "—" for c in checks),
            "次年再提": "是" if verdict.carried_over else "",
            "次年计划表述": verdict.repeat.statement.text if verdict.repeat else "",
            "行号": item.sentence.location.line,
        })
        for rank, evidence in enumerate(verdict.evidence, 1):
            row = {"承诺编号": item.id, "承诺": item.text, "评定": verdict.status, "名次": rank,
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
    return {
        "承诺": pd.DataFrame(commitments),
        "匹配对": pd.DataFrame(pairs, columns=pairs and list(pairs[0]) or pair_columns),
        "汇总": pd.DataFrame(summary),
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
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # stored as text, never parsed as a formula
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                if status_column:
                    status = row[status_column - 1].value
                    if status in FILLS:
                        row[status_column - 1].fill = PatternFill("solid", fgColor=FILLS[status])
    return _deterministic(buffer.getvalue())


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
