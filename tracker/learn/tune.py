"""Tune the encoder for the judge: a LoRA adapter on m3e-small, trained on the readers' evidence.

    python -m tracker.learn.tune [--out models/judge] [--reviewed data/reviewed] [--only judge,without-seed,…]

Untuned m3e-small puts every pair of government sentences at cosine 0.6–0.8, and a statement that
reports the named thing in other words ("新增…众创空间" for "推动高端双创基地建设") scores no
higher than one on the same topic. The adapter learns that from (commitment clause, evidence
statement) pairs of the labelled report pairs, against the other statements of the batch and the
clause's strongest wrong candidate by today's fused score (a contrastive, in-batch loss).

The reviewed audits in data/reviewed/ count as pairs too, as in train.py (dataset.reviewed_files).
Two adapters per judge file, written beside it: <judge>.half-0/1.adapter.npz, each trained on one
half of the judge's pairs (train.judges, train.halves). They give train.py cross-fitted signals (a
pair's features from the adapter that never saw its evidence), and the judge's audits encode with
their mean: on the two golds, held out, that soup did better than one adapter trained on all the
pairs (seed kappa 0.485 against 0.425, national 0.586 against 0.570, same cross-fitted judge), and
it needs no third adapter per judge. Each holds
low-rank matrices (float16, about 0.6 MB), merged into the base weights when the encoder is
exported (encoder.export_onnx). Needs torch (the `embed` extra); one thread, fixed seeds and a
fixed order, so one machine rebuilds the same file (checked: byte for byte). 5–9 minutes per
adapter on one thread.
"""
from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np

from .. import match
from ..encoder import ADAPTER_TARGETS, Encoder, fetch_default
from ..render import write_atomic
from . import dataset, features
from .train import halves, judges

RANK = 8
ALPHA = 16.0
EPOCHS = 1
LEARNING_RATE = 5e-4
BATCH = 32
TEMPERATURE = 0.05  # cosine / TEMPERATURE are the logits of the contrastive loss
MAX_TOKENS = 128
SEED = 0


def triples(data: list[features.PairData]) -> list[tuple[str, str, str | None]]:
    """(clause, evidence statement, the clause's strongest candidate that is not evidence) for
    every labelled evidence pair."""
    logit = match.PAIR_FEATURES.index("logit")
    result = []
    for pair in data:
        statements = pair.labelled.execution.statements
        for index, labels in sorted(pair.pair_labels.items()):
            block = pair.blocks[index]
            shape = (len(block.rows), len(block.columns))
            labels, scores = labels.reshape(shape), block.features[:, logit].reshape(shape)
            for i, row in enumerate(block.rows):
                wrong = [block.columns[k] for k in np.argsort(-scores[i], kind="stable") if labels[i, k] == 0]
                for k in np.nonzero(labels[i] == 1)[0]:
                    result.append((pair.matrix.clauses[row], statements[block.columns[k]].sentence.norm,
                                   statements[wrong[0]].sentence.norm if wrong else None))
    return result


def train_adapter(examples: list[tuple[str, str, str | None]], model_dir: Path, log=print) -> dict[str, np.ndarray]:
    """LoRA matrices (`<module>.down`, `<module>.up`) for every ADAPTER_TARGETS module."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir)
    for parameter in model.parameters():
        parameter.requires_grad = False
    adapters = {}
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and name.endswith(ADAPTER_TARGETS) and ".layer." in name:
            down = torch.nn.Parameter(torch.randn(RANK, module.in_features) / module.in_features ** 0.5)
            up = torch.nn.Parameter(torch.zeros(module.out_features, RANK))
            adapters[name] = (down, up)
            module.register_forward_hook(lambda mod, inputs, output, d=down, u=up:
                                         output + (inputs[0] @ d.T @ u.T) * (ALPHA / RANK))
    optimiser = torch.optim.AdamW([p for pair in adapters.values() for p in pair], lr=LEARNING_RATE)

    def embed(texts):
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    model.train()
    order = np.random.default_rng(SEED)
    for epoch in range(EPOCHS):
        shuffled = [examples[i] for i in order.permutation(len(examples))]
        for begin in range(0, len(shuffled), BATCH):
            batch = shuffled[begin:begin + BATCH]
            positives = [p for _, p, _ in batch]
            others = positives + [n for _, _, n in batch if n]
            logits = embed([c for c, _, _ in batch]) @ embed(others).T / TEMPERATURE
            # another anchor's positive that is this anchor's positive too is not a negative
            same = torch.tensor([[j != i and others[j] == positives[i] for j in range(len(others))] for i in range(len(batch))])
            loss = torch.nn.functional.cross_entropy(logits.masked_fill(same, -1e4), torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        log(f"  epoch {epoch + 1}: last batch loss {loss.item():.3f}")
    return {f"{name}.{part}": tensor.detach().numpy().astype(np.float16)
            for name, pair in adapters.items() for part, tensor in zip(("down", "up"), pair)} | {
        "scale": np.array(ALPHA / RANK, dtype=np.float32)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("models/judge"))
    parser.add_argument("--reviewed", type=Path, default=dataset.REVIEWED,
                        help="folder of reviewed audits (tracker review's reviews.json) to learn from as well")
    parser.add_argument("--only", default="", help="comma-separated judge or adapter names (judge, without-seed.half-0, …)")
    args = parser.parse_args(argv)
    model_dir = fetch_default(log=lambda *_: None)
    encoder = Encoder("m3e-small", log=lambda *_: None)  # untuned: today's ranking gives the hard negatives
    data = {pair.name: features.build(pair, encoder.encode)
            for pair in dataset.load_all(extra=dataset.reviewed_files(args.reviewed))}
    for name, pairs in judges(list(data)).items():
        for half, names in enumerate(halves(pairs)):
            adapter = f"{name}.half-{half}"
            if args.only and not {name, adapter} & set(args.only.split(",")):
                continue
            examples = triples([data[n] for n in names])
            print(f"{adapter}: {len(examples)} evidence pairs of {len(names)} report pairs", flush=True)
            buffer = io.BytesIO()
            np.savez_compressed(buffer, **train_adapter(examples, model_dir))
            write_atomic(args.out / f"{adapter}.adapter.npz", buffer.getvalue())
            print(f"wrote {args.out / adapter}.adapter.npz", flush=True)


if __name__ == "__main__":
    main()
