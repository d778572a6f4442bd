# Set-up and the two main commands:  make run   (the main job)   make test   (the tests)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_DIR := outputs/main

.PHONY: install run test model

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# the CPU build of torch first, so no install ever pulls a CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev,experiments]"
	touch $@

install: $(VENV)/.installed

# The main job: the default experiment on the repository's own data, then tag the
# user's sample with the model it saved.
run: install
	$(PY) -m paratag.train hydra.run.dir=$(RUN_DIR)
	$(VENV)/bin/paratag tag data/samples/seed-moscow-times.txt --model $(RUN_DIR)/model

test: install
	$(PY) -m pytest

# Retrain the shipped model (needs ../shared/data): see README "The shipped model".
model: install
	$(PY) -m paratag.train experiment=shipped_model hydra.run.dir=outputs/shipped_model
	rm -rf src/paratag/pretrained/default
	cp -r outputs/shipped_model/model src/paratag/pretrained/default
