"""JSON documents: the extraction of one report and the audit of a pair (format documented in
docs/json.md; other tools read it, so fields are only ever added)."""
from __future__ import annotations

import json
from dataclasses import asdict

from ..model import Audit, Chain, Evidence, Extraction, Item, Quantity, Report, Sentence
from ..review import agreement

EXTRACT_FORMAT = "tracker-extract/1"
AUDIT_FORMAT = "tracker-audit/1"
CHAIN_FORMAT = "tracker-chain/1"


def quantity_json(quantity: Quantity) -> dict:
    data = asdict(quantity)
    data.pop("start"), data.pop("end")
    return data


def location_json(sentence: Sentence) -> dict:
    return {"line": sentence.location.line, "start": sentence.location.start, "end": sentence.location.end}


def item_json(item: Item) -> dict:
    data = {
        "id": item.id,
        "chapter": item.chapter,
        "text": item.text,
        "normalized": item.sentence.norm,
        "kind": item.sentence.kind,
        "quantities": [quantity_json(q) for q in item.quantities],
        "location": location_json(item.sentence),
    }
    if item.sentence.footnotes:
        data["footnotes"] = item.sentence.footnotes
    return data


def report_json(report: Report) -> dict:
    return {
        "path": report.path,
        "title": report.title,
        "review_year": report.review_year,
        "plan_year": report.plan_year,
        "sections": [asdict(section) for section in report.sections],
    }


def extraction_document(extraction: Extraction) -> dict:
    return {
        "format": EXTRACT_FORMAT,
        "report": report_json(extraction.report),
        "commitments": [item_json(item) for item in extraction.commitments],
        "statements": [item_json(item) for item in extraction.statements],
        "tables": [{"line": t.line, "rows": t.rows} for t in extraction.report.tables],
    }


def _sentence_json(found: Evidence) -> dict:
    """A statement or next-plan commitment found for a commitment, without its signals."""
    return {"id": found.statement.id, "text": found.statement.text, "score": round(found.score, 4),
            "chapter": found.statement.chapter, "location": location_json(found.statement.sentence)}


def audit_document(audit: Audit) -> dict:
    commitments = []
    for verdict in audit.verdicts:
        item = verdict.commitment
        commitments.append({
            "id": item.id,
            "chapter": item.chapter,
            "text": item.text,
            "status": verdict.final,
            "machine_status": verdict.status,
            "review": asdict(verdict.review) if verdict.review else None,
            "confidence": round(verdict.confidence, 3),
            "reason": verdict.reason,
            "maybe_not_a_commitment": round(verdict.aside, 3),
            "location": location_json(item.sentence),
            "carried_over": verdict.carried_over,
            "repeated_in": _sentence_json(verdict.repeat) if verdict.repeat else None,
            "nearest": _sentence_json(verdict.nearest) if verdict.nearest else None,
            "clauses": [{"text": c, "evidenced": ok, "reading": r}
                        for c, ok, r in zip(verdict.clauses, verdict.covered, verdict.readings)],
            "targets": [
                {
                    "target": quantity_json(check.target),
                    "actual": quantity_json(check.actual) if check.actual else None,
                    "met": check.met,
                }
                for check in verdict.targets
            ],
            "evidence": [
                {
                    "id": evidence.statement.id,
                    "text": evidence.statement.text,
                    "score": round(evidence.score, 4),
                    "signals": {k: round(v, 4) for k, v in evidence.signals.items()},
                    "chapter": evidence.statement.chapter,
                    "location": location_json(evidence.statement.sentence),
                }
                for evidence in verdict.evidence
            ],
        })
    return {
        "format": AUDIT_FORMAT,
        "plan_report": {"path": audit.plan.path, "title": audit.plan.title, "year": audit.year},
        "execution_report": {"path": audit.execution.path, "title": audit.execution.title, "year": audit.year},
        "model": audit.model,
        "judge": audit.judge,
        "summary": audit.summary(),
        "carried_over": audit.carried_over(),
        "reviews": _reviews_json(audit),
        "commitments": commitments,
    }


def _reviews_json(audit: Audit) -> dict:
    found = agreement(audit)
    return {"reviewed": found.reviewed, "agreed": found.agreed, "kappa": round(found.kappa, 4),
            "changed": [v.commitment.id for v in found.changed],
            "unmatched": [asdict(review) for review in audit.unmatched_reviews]}


def chain_document(chain: Chain, folders: list[str]) -> dict:
    """The combined report of a chain: each pair's counts (details in its own folder) and the
    promises made in three or more consecutive plans."""
    pairs = [{
        "year": audit.year,
        "plan_report": {"path": audit.plan.path, "title": audit.plan.title},
        "execution_report": {"path": audit.execution.path, "title": audit.execution.title},
        "summary": audit.summary(),
        "carried_over": audit.carried_over(),
        "folder": folder,
    } for audit, folder in zip(chain.audits, folders)]
    perennial = []
    for run in chain.perennial():
        last_year, last = run[-1]
        perennial.append({
            "commitments": [{"year": year, "id": v.commitment.id, "text": v.commitment.text, "status": v.status}
                            for year, v in run],
            "ever_fulfilled": any(v.status == "fulfilled" for _, v in run),
            "promised_again_in": {"year": last_year + 1, "id": last.repeat.statement.id,
                                  "text": last.repeat.statement.text} if last.repeat else None,
        })
    return {"format": CHAIN_FORMAT, "model": chain.audits[0].model if chain.audits else None,
            "pairs": pairs, "perennial": perennial}


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
