VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench package package-test screenshots clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@$(PY) -m irgroups_gui.syscheck
	$(VENV)/bin/irgroups-gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run_all.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/screenshots.py build/screenshots

package: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.3'
	$(PY) packaging/build.py

package-test: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.3'
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m slow tests/test_package.py

clean:
	rm -rf build dist
