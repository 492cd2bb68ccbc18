# MentorPrep: `make run` starts the app, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install index heads bench lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# llama-cpp-python compiles on install. Build it portable (AVX2, not -march=native) and never from pip's wheel
# cache: some virtual CPUs advertise AMX tiles that trap at run time, and a native or cached build uses them.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

# torch goes first and pinned: a CPU build is on local disk; an unpinned torch pulls CUDA.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install --quiet --no-cache-dir 'llama-cpp-python[server]>=0.3.16,<0.4'
	$(PY) -m pip install --quiet -e '.[dev,postgres,auth]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(PY) -m retrieval build --if-missing

# The learned heads (classifiers and fusers) are trained from corpus/ when missing or stale: seconds once the
# training text's embeddings are cached in data/heads.
heads: install
	$(PY) -m agent train --if-stale

run: index heads
	$(VENV)/bin/streamlit run app.py --server.address $${MENTORPREP_HOST:-127.0.0.1} --server.port $${MENTORPREP_PORT:-8501} --server.headless true --browser.gatherUsageStats false

test: install lint heads
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	for f in bench/bench_*.py; do $(PY) $$f || exit 1; done

# ruff for style; lint-imports keeps the layers in pyproject.toml (views/cli -> capabilities -> retrieval -> core).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) data/chroma data/heads data/*.db
