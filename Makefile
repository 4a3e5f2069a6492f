# Two commands do everything on a fresh machine (see README.md):
#   make book   build the HTML book into _build/html (executing every chapter)
#   make test   unit tests + doctests, nbval on every chapter, a -W book build,
#               the student edition and the nbgrader assignments
# Both create or refresh the virtual environment .venv first (idempotent).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rmtdyn-installed

.PHONY: book test unit nbval book-strict bench lab lock clean env chromium \
        book-student student assignments assignments-test

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output .

test: unit nbval book-strict student assignments-test

unit: $(STAMP) chromium
	$(BIN)/python -m pytest tests lib/rmtdyn --doctest-modules -q \
	  --ignore=tests/test_student.py --ignore=tests/test_assignments.py

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval chapters --nbval-sanitize-with tests/nbval-sanitize.cfg -q

book-strict: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going

# Course use (README "Course use", chapters/instructors.md).
# Student edition: the same book with the solutions removed, into _build/student.
book-student: $(STAMP)
	$(BIN)/python _ext/student_edition.py _config.yml _build/student-config.yml
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

# Debian's Chromium, driven by Playwright in the browser tests (tests/test_lab.py); Playwright's
# own browser download is not used. Installed only when missing (needs root or sudo).
chromium:
	@test -x /usr/bin/chromium || { echo "installing Debian chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y --no-install-recommends chromium; }

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

clean:
	rm -rf _build assignments/release assignments/gradebook.db
