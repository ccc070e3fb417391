# Two commands for a fresh machine: `make report` (set-up + the seed audit) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/m3e-small/onnx/model.onnx
SEEDS := seeds/yuexiu-2021-review-2022-plan.txt seeds/yuexiu-2022-review-2023-plan.txt

.PHONY: report test setup model bench judge kfold adapters

report: $(STAMP) $(MODEL)
	$(BIN)/tracker audit $(SEEDS) --out reports/2022-yuexiu

test: $(STAMP) $(MODEL)
	$(BIN)/python -m pytest -q

setup: $(STAMP)

model: $(MODEL)

# torch==2.13.0 first: it resolves to the local CPU build; unpinned, pip would pull CUDA wheels.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[embed,test,train]'
	touch $(STAMP)

$(MODEL): | $(STAMP)
	$(BIN)/tracker model fetch

bench: $(STAMP) $(MODEL)
	$(BIN)/python bench/bench.py

# The judge files in models/judge/ are committed (small); this rebuilds them deterministically from
# data/ and the committed encoder adapters (about 10 minutes), and kfold prints the honest figures
# of every labelled pair.
judge: $(STAMP) $(MODEL)
	$(BIN)/python -m tracker.learn.train

kfold: $(STAMP) $(MODEL)
	$(BIN)/python bench/kfold.py

# The encoder adapters (models/judge/*.adapter.npz, two per judge, 0.6 MB each) are committed as
# well; this retrains them from data/ (one thread, fixed seeds: the same files on one machine;
# 5–9 minutes each, about 80 minutes for all twelve), then rebuilds the judge files on them and frees
# the exports and embeddings of the old adapters (`tracker model prune`).
adapters: $(STAMP) $(MODEL)
	$(BIN)/python -m tracker.learn.tune
	$(MAKE) judge
	$(BIN)/tracker model prune
