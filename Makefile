# Two commands do everything on a fresh machine (see README.md):
#   make book   build the HTML book into _build/html (executing every chapter)
#   make test   unit tests + doctests, nbval on every chapter, a -W book build, the browser
#               tests of the built book (Chromium, tests/browser), the student edition
#               and the nbgrader assignments
# Both create or refresh the virtual environment .venv first (idempotent), and fetch the
# pinned MathJax copy the book serves itself (offline reading).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rmtdyn-installed

.PHONY: book test unit nbval book-strict browser bench lab lock clean env mathjax chromium \
        book-student student assignments assignments-test

# MathJax 3, pinned (npm registry tarball, checked by sha256), served from the built site:
# only the TeX+CHTML bundle with every TeX extension, and its web fonts.
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256  := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
MATHJAX_DIR     := .mathjax/static/mathjax
MATHJAX         := $(MATHJAX_DIR)/tex-chtml-full.js
# The browser of the browser tests (Debian's; Playwright's own download is not used).
CHROMIUM        := /usr/bin/chromium

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

mathjax: $(MATHJAX)

$(MATHJAX):
	command -v npm >/dev/null || { apt-get update && apt-get install -y --no-install-recommends npm; }
	rm -rf .mathjax && mkdir -p $(MATHJAX_DIR)
	cd .mathjax && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	echo "$(MATHJAX_SHA256)  .mathjax/mathjax-$(MATHJAX_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf .mathjax/mathjax-$(MATHJAX_VERSION).tgz -C $(MATHJAX_DIR) --strip-components=2 \
	    package/es5/tex-chtml-full.js package/es5/output/chtml/fonts/woff-v2
	rm .mathjax/mathjax-$(MATHJAX_VERSION).tgz
	touch $(MATHJAX)

chromium: $(CHROMIUM)

$(CHROMIUM):
	apt-get update && apt-get install -y --no-install-recommends chromium

book: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . --path-output .

test: unit nbval book-strict browser student assignments-test

# tests/browser need the built book (make browser); the student edition and the nbgrader
# round trip have their own targets. tests/test_lab.py drives JupyterLab in Chromium.
unit: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest tests lib/rmtdyn --doctest-modules -q --ignore=tests/browser \
	  --ignore=tests/test_student.py --ignore=tests/test_assignments.py

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval chapters --nbval-sanitize-with tests/nbval-sanitize.cfg -q

book-strict: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going

# Course use (README "Course use", chapters/instructors.md).
# Student edition: the same book with the solutions removed, into _build/student.
book-student: $(STAMP)
	$(BIN)/python lib/student_edition.py _config.yml _build/student-config.yml
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

# A real browser on the built book (served on 127.0.0.1); screenshots in _build/screens/.
browser: $(STAMP) $(CHROMIUM) book-strict
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

clean:
	rm -rf _build assignments/release assignments/gradebook.db
