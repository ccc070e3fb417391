"""The markdown report for deputies: Chinese by default (`--lang en` for English), printable and
self-explanatory to someone who never saw the tool."""
from __future__ import annotations

from ..model import NOT_A_COMMITMENT
from ..model import STATUSES as LABELS
from ..model import Audit, Chain, Verdict
from ..review import agreement

TEXT = {
    "zh": {
        "title": "{year}年计划承诺落实情况对照报告",
        "compared": "对照的两份报告",
        "plan": "计划（承诺来源）",
        "execution": "执行情况（下文来源）",
        "about": "说明",
        "method": (
            "本报告逐条摘出{year}年计划中的每项承诺（每个量化指标、每句任务），在次年报告对{year}年执行情况的回顾中，"
            "用语义向量和文字相似度找出可能谈及该承诺的表述，再由一个在人工逐条核对过的十六对报告上训练的判定模型"
            "判断哪些表述确实报告了同一事项、承诺是否全部、部分或完全没有下文。"
            "评定由程序完成，引文均为原文，供代表核对；模型：{model}，判定模型：{judge}。"
        ),
        "legend": [
            ("已落实", "回顾中报告该承诺的各项具体内容均已完成，或量化指标已达到。"),
            ("部分落实", "只有部分内容有下文，或指标有报告但未达到，或承诺完成的工作仍在推进。"),
            ("未见下文", "回顾中没有任何表述提到这项承诺。这只说明报告未提及，不等于工作没有做。"),
        ],
        "overall": "总体情况",
        "total": "承诺总数",
        "share": "占比",
        "count": "条数",
        "by_chapter": "分章节统计",
        "chapter": "章节",
        "targets": "量化指标对照",
        "target": "目标",
        "actual": "报告数值",
        "met": "是否达到",
        "yes": "达到",
        "no": "未达到",
        "unknown": "未报告",
        "no_targets": "本计划没有可对照的量化指标。",
        "missing_list": "未见下文的承诺",
        "nearest_intro": "带“最接近的表述”的，是判定模型读到的最接近的一条，它判断这条表述并未说到该承诺（未采信）；"
                         "回顾中若有下文，多半就在这里，请先核对。",
        "nearest": "最接近的表述（未采信）：{id}“{text}”",
        "none": "无。",
        "partial_list": "部分落实的承诺",
        "unreported_part": "未见下文的部分",
        "full": "全部承诺与引文",
        "id": "编号",
        "commitment": "承诺",
        "status": "评定",
        "reason": "理由",
        "evidence": "引文（最相关的在前）",
        "chart_alt": "各章节已落实、部分落实、未见下文的条数",
        "carried": "次年计划再提",
        "carried_count": "其中{count}条在次年计划中再次提出（按语义和文字相似度判断）。",
        "aside_count": "其中{count}条，判定模型认为读者可能不会把它算作承诺（议题句、对其他机关的号召、回顾句），"
                       "仍照常评定，标为“（可能不是承诺）”，请核对。",
        "aside_mark": "（可能不是承诺）",
        "carried_list": "未完成又在次年计划中再提的承诺",
        "carried_intro": "以下承诺在回顾中未见下文或只部分落实，次年计划又再次提出，可重点追问。",
        "repeated_in": "次年计划中的表述",
        "yes_mark": "是",
        "reviewed_mark": "（人工复核）",
        "review": "人工复核",
        "review_intro": ("共{reviewed}条承诺经人工复核，其中{agreed}条与程序评定一致（Cohen's kappa {kappa:.2f}）。"
                         "本报告中的评定以人工复核为准，标有“人工复核”。"),
        "changed": "人工改变了评定的承诺",
        "machine": "程序评定",
        "human": "人工评定",
        "reviewer": "复核人",
        "note": "复核意见",
        "not_commitments": "人工认定不是承诺（不计入统计）",
        "unmatched": "以下复核意见找不到对应的承诺（报告或提取方式已变化），未采用：",
    },
    "en": {
        "title": "Follow-up of the {year} plan's commitments",
        "compared": "Reports compared",
        "plan": "Plan (source of the commitments)",
        "execution": "Execution report (source of the evidence)",
        "about": "About this report",
        "method": (
            "Every commitment of the {year} plan (each numeric target, each task sentence) was looked up in the "
            "next report's review of {year} by sentence embeddings and text similarity; a judge trained on sixteen "
            "report pairs checked by careful readers then decided which statements report the same thing, and "
            "whether all, some or none of the commitment is reported. The rating is automatic; quotes are verbatim "
            "so that they can be checked. Model: {model}; judge: {judge}."
        ),
        "legend": [
            ("fulfilled", "the review reports every concrete part done, or the numeric target met."),
            ("partial", "only some parts are reported, a target is reported but missed, or work promised complete is still under way."),
            ("missing", "no statement of the review mentions it. This says the report is silent, not that the work failed."),
        ],
        "overall": "Overall",
        "total": "Commitments",
        "share": "Share",
        "count": "Count",
        "by_chapter": "By chapter",
        "chapter": "Chapter",
        "targets": "Numeric targets",
        "target": "Target",
        "actual": "Reported",
        "met": "Met",
        "yes": "met",
        "no": "missed",
        "unknown": "not reported",
        "no_targets": "The plan has no numeric target to compare.",
        "missing_list": "Commitments the review does not mention",
        "nearest_intro": "Where a \"nearest statement\" is given, it is the one the judge found closest but did not "
                         "accept as speaking to the commitment; if the review does report it, look there first.",
        "nearest": "nearest statement (not accepted): {id} \"{text}\"",
        "none": "None.",
        "partial_list": "Partly reported commitments",
        "unreported_part": "Parts not reported",
        "full": "All commitments with evidence",
        "id": "ID",
        "commitment": "Commitment",
        "status": "Rating",
        "reason": "Reason",
        "evidence": "Evidence (strongest first)",
        "chart_alt": "fulfilled, partial and missing commitments per chapter",
        "carried": "Promised again",
        "carried_count": "{count} of them are promised again in the next plan (judged by embedding and text similarity).",
        "aside_count": "{count} of them may not be commitments at all in a reader's eyes (topic leads, calls on other bodies, "
                       "looks back), by the judge's reading: they are rated as usual and marked \"(maybe not a commitment)\".",
        "aside_mark": " (maybe not a commitment)",
        "carried_list": "Unfinished commitments promised again",
        "carried_intro": "These commitments are missing or partial in the review, and the next plan promises them again.",
        "repeated_in": "In the next plan",
        "yes_mark": "yes",
        "reviewed_mark": " (reviewed)",
        "review": "Human review",
        "review_intro": ("{reviewed} commitments were reviewed by a person; the machine agreed on {agreed} (Cohen's "
                         "kappa {kappa:.2f}). The reviewer's rating stands throughout this report, marked \"reviewed\"."),
        "changed": "Ratings the reviewer changed",
        "machine": "Machine",
        "human": "Reviewer",
        "reviewer": "Reviewed by",
        "note": "Note",
        "not_commitments": "Not commitments, in the reviewer's judgement (left out of the counts)",
        "unmatched": "These reviews match no commitment any more (the report or the extraction changed) and were not applied:",
    },
}
STATUS_NAME = {
    "zh": {"fulfilled": "已落实", "partial": "部分落实", "missing": "未见下文", NOT_A_COMMITMENT: "不是承诺"},
    "en": {"fulfilled": "fulfilled", "partial": "partial", "missing": "missing", NOT_A_COMMITMENT: "not a commitment"},
}
CHAIN_TEXT = {
    "zh": {
        "title": "{first}—{last}年计划承诺落实情况（多年对照）",
        "about": ("每一年的计划都与次年报告对该年的回顾逐条对照，评定方法见各年分报告。“次年再提”指该承诺在下一年的计划中"
                  "再次出现；连续三年及以上出现在计划中的承诺列在最后，便于追问长期未兑现的事项。"),
        "years": "逐年情况",
        "year": "计划年度",
        "plan": "计划报告",
        "execution": "执行报告",
        "total": "承诺",
        "carried": "次年再提",
        "folder": "分报告",
        "perennial": "连续多年提出、从未评为已落实的承诺",
        "perennial_intro": ("共有{count}项承诺连续{min}年以上写入计划（按语义和文字相似度判断，完整名单见 chain.json）；"
                            "以下{shown}项没有一年评为已落实，逐年评定如下。"),
        "first": "首次承诺",
        "again": "{year}年计划再提",
        "none": "无。",
    },
    "en": {
        "title": "Plan commitments {first}–{last}: follow-up over several years",
        "about": ("Each year's plan is compared with the next report's review of that year (see each year's own "
                  "report for the method). \"Promised again\" means the next plan repeats the commitment; promises "
                  "made in three or more consecutive plans are listed last."),
        "years": "Year by year",
        "year": "Plan year",
        "plan": "Plan report",
        "execution": "Execution report",
        "total": "Commitments",
        "carried": "Promised again",
        "folder": "Report",
        "perennial": "Promises repeated year after year, never rated fulfilled",
        "perennial_intro": ("{count} commitments appear in {min} or more consecutive plans (all in chain.json); "
                            "these {shown} were never rated fulfilled:"),
        "first": "First promised",
        "again": "promised again for {year}",
        "none": "None.",
    },
}
MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def cell(text: str) -> str:
    """Text safe inside a table cell: markdown characters escaped, no line breaks."""
    return " ".join(str(text).split()).translate(MARKDOWN_SPECIAL)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def render(audit: Audit, lang: str = "zh", chart: str | None = None) -> str:
    t = TEXT[lang]
    names = STATUS_NAME[lang]
    summary = audit.summary()
    total = sum(summary.values()) or 1
    out = [f"# {t['title'].format(year=audit.year)}", "", f"## {t['compared']}", ""]
    out += [f"- {t['plan']}：{cell(audit.plan.title or audit.plan.path)}（`{audit.plan.path}`）",
            f"- {t['execution']}：{cell(audit.execution.title or audit.execution.path)}（`{audit.execution.path}`）", ""]
    out += [f"## {t['about']}", "", t["method"].format(year=audit.year, model=audit.model, judge=audit.judge), ""]
    out += [f"- **{name}**：{meaning}" for name, meaning in t["legend"]] + [""]

    out += _review_section(audit, t, names)
    out += [f"## {t['overall']}", ""]
    out += _table([t["status"], t["count"], t["share"]],
                  [[names[s], str(summary[s]), f"{summary[s] / total:.0%}"] for s in LABELS]
                  + [[t["total"], str(sum(summary.values())), "100%"]])
    out += [t["carried_count"].format(count=audit.carried_over()), ""]
    asides = sum(v.flagged_aside for v in audit.verdicts)
    out += [t["aside_count"].format(count=asides), ""] if asides else []

    out += [f"## {t['by_chapter']}", ""]
    rows = [[str(number), cell(chapter)] + [str(counts[s]) for s in LABELS] + [str(sum(counts.values()))]
            for number, (chapter, counts) in enumerate(audit.by_chapter().items(), 1)]
    out += _table(["#", t["chapter"]] + [names[s] for s in LABELS] + [t["total"]], rows)
    if chart:
        out += [f"![{t['chart_alt']}]({chart})", ""]

    out += [f"## {t['targets']}", ""]
    target_rows = []
    for verdict in audit.verdicts:
        for check in verdict.targets:
            met = t["unknown"] if check.met is None else (t["yes"] if check.met else t["no"])
            target_rows.append([verdict.commitment.id, cell(verdict.commitment.text), cell(check.target.text),
                                cell(check.actual.text if check.actual else "—"), met])
    out += _table([t["id"], t["commitment"], t["target"], t["actual"], t["met"]], target_rows) if target_rows \
        else [t["no_targets"], ""]

    out += [f"## {t['missing_list']}", ""]
    missing = [v for v in audit.verdicts if v.final == "missing"]
    if any(v.nearest for v in missing):
        out += [t["nearest_intro"], ""]
    for i, v in enumerate(missing, 1):
        where = "，".join(filter(None, (v.commitment.id, cell(v.commitment.chapter))))  # the targets have no chapter
        out.append(f"{i}. {cell(v.commitment.text)}（{where}）"
                   + (t["aside_mark"] if v.flagged_aside else ""))
        if v.nearest:
            out.append("   " + t["nearest"].format(id=v.nearest.statement.id, text=cell(v.nearest.statement.text)))
    if not missing:
        out.append(t["none"])
    out += [""]

    out += [f"## {t['partial_list']}", ""]
    partial = [v for v in audit.verdicts if v.final == "partial"]
    out += _table([t["id"], t["commitment"], t["reason"], t["unreported_part"]],
                  [[v.commitment.id, cell(v.commitment.text), cell(_reason(v)), cell(_unreported(v))] for v in partial]) \
        if partial else [t["none"], ""]

    out += [f"## {t['carried_list']}", ""]
    unfinished = [v for v in audit.rated() if v.carried_over and v.final != "fulfilled"]
    out += ([t["carried_intro"], ""] + _table(
        [t["id"], t["commitment"], t["status"], t["repeated_in"]],
        [[v.commitment.id, cell(v.commitment.text), _rating(v, t, names), cell(v.repeat.statement.text)] for v in unfinished]
    )) if unfinished else [t["none"], ""]

    out += [f"## {t['full']}", ""]
    out += _table([t["id"], t["chapter"], t["commitment"], t["status"], t["reason"], t["evidence"], t["carried"]],
                  [[v.commitment.id, cell(v.commitment.chapter), cell(v.commitment.text), _rating(v, t, names),
                    cell(_reason(v)), "<br>".join(cell(e.statement.text) for e in v.evidence[:3]) or "—",
                    t["yes_mark"] if v.carried_over else "—"]
                   for v in audit.verdicts])
    return "\n".join(out)


def _reason(verdict: Verdict) -> str:
    """The reviewer's note where there is one, else the machine's reason."""
    return verdict.review.note if verdict.review and verdict.review.note else verdict.reason


def _rating(verdict: Verdict, t: dict, names: dict) -> str:
    return names[verdict.final] + (t["reviewed_mark"] if verdict.review else t["aside_mark"] if verdict.flagged_aside else "")


def _review_section(audit: Audit, t: dict, names: dict) -> list[str]:
    """Agreement between machine and reviewer, the changed ratings, what the reviewer excluded."""
    if not audit.reviewed() and not audit.unmatched_reviews:
        return []
    found = agreement(audit)
    out = [f"## {t['review']}", "", t["review_intro"].format(reviewed=found.reviewed, agreed=found.agreed,
                                                             kappa=found.kappa), ""]
    if found.changed:
        out += [f"### {t['changed']}", ""]
        out += _table([t["id"], t["commitment"], t["machine"], t["human"], t["reviewer"], t["note"]],
                      [[v.commitment.id, cell(v.commitment.text), names[v.status], names[v.review.status],
                        cell(v.review.reviewer) or "—", cell(v.review.note) or "—"] for v in found.changed])
    excluded = [v for v in audit.verdicts if v.final == NOT_A_COMMITMENT]
    if excluded:
        out += [f"### {t['not_commitments']}", ""]
        out += [f"{i}. {cell(v.commitment.text)}（{v.commitment.id}）" for i, v in enumerate(excluded, 1)] + [""]
    if audit.unmatched_reviews:
        out += [t["unmatched"], ""] + [f"- {cell(r.text)}（{names[r.status]}）" for r in audit.unmatched_reviews] + [""]
    return out


def _unreported(verdict: Verdict) -> str:
    parts = [clause for clause, covered in zip(verdict.clauses, verdict.covered) if not covered]
    return "；".join(parts) or "—"


def render_chain(chain: Chain, folders: list[str], lang: str = "zh", min_plans: int = 3) -> str:
    """The combined report of a chain of reports: one row per year, then the perennial promises."""
    t = CHAIN_TEXT[lang]
    names = STATUS_NAME[lang]
    years = [audit.year for audit in chain.audits]
    out = [f"# {t['title'].format(first=years[0], last=years[-1])}", "", t["about"], "", f"## {t['years']}", ""]
    rows = []
    for audit, folder in zip(chain.audits, folders):
        summary = audit.summary()
        rows.append([str(audit.year), cell(audit.plan.title or audit.plan.path),
                     cell(audit.execution.title or audit.execution.path), str(sum(summary.values()))]
                    + [str(summary[s]) for s in LABELS]
                    + [str(audit.carried_over()), f"[report.md]({folder}/report.md)"])
    out += _table([t["year"], t["plan"], t["execution"], t["total"]] + [names[s] for s in LABELS]
                  + [t["carried"], t["folder"]], rows)
    out += [f"## {t['perennial']}", ""]
    every = chain.perennial(min_plans)
    runs = [run for run in every if all(v.status != "fulfilled" for _, v in run)]
    if not runs:
        return "\n".join(out + [t["none"], ""])
    out += [t["perennial_intro"].format(count=len(every), min=min_plans, shown=len(runs)), ""]
    rows = []
    for number, run in enumerate(runs, 1):
        ratings = {year: f"{names[v.status]}（{v.commitment.id}）" for year, v in run}
        last_year, last = run[-1]
        again = t["again"].format(year=last_year + 1) if last.repeat else "—"
        rows.append([str(number), cell(run[0][1].commitment.text)] + [ratings.get(y, "") for y in years] + [again])
    out += _table(["#", t["first"]] + [str(y) for y in years] + [t["carried"]], rows)
    return "\n".join(out)

