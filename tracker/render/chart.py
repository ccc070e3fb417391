"""The status-per-chapter chart (PNG) embedded in the markdown report.

Chapters are labelled by their order (1, 2, …, as in the report's 分章节统计 table) so the chart
needs no CJK font, which a plain machine may not have.
"""
from __future__ import annotations

import io

from ..model import Audit

COLOURS = {"fulfilled": "#2e7d32", "partial": "#f9a825", "missing": "#c62828"}


def png_bytes(audit: Audit) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    per_chapter = audit.by_chapter()
    labels = [str(i) for i in range(1, len(per_chapter) + 1)]
    figure, axes = pyplot.subplots(figsize=(7, 0.45 * len(labels) + 1.4), dpi=110)
    left = [0] * len(labels)
    for status, colour in COLOURS.items():
        values = [counts[status] for counts in per_chapter.values()]
        axes.barh(labels, values, left=left, color=colour, label=status)
        left = [a + b for a, b in zip(left, values)]
    axes.invert_yaxis()
    axes.set_xlabel("commitments")
    axes.set_ylabel("chapter")
    axes.set_title(f"{audit.year} plan: status per chapter")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()
