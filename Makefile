# LegFit: the two commands of the README do all the set-up on a fresh machine.
#   make demo   the kiosk's demo mode (headless when there is no display)
#   make test   installs everything and runs lint, the import contracts, the type checker
#               and the tests

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test demo lint screenshots bench bench-generated soak bundle clean system-deps

$(STAMP): pyproject.toml packaging/scripts/system-deps.sh
	./packaging/scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-deps:
	./packaging/scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/legfit demo

screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1080x1920x24" $(BIN)/python -m ui.screenshots docs/screenshots

bench: $(STAMP)
	$(BIN)/python bench/population.py
	$(BIN)/python bench/calibration.py
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/speed.py
	xvfb-run -a -s "-screen 0 1080x1920x24" $(BIN)/python bench/kiosk_speed.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/ui_paint.py

# Generated shoppers (../shared/tools/synth): renders what is missing of seeds
# 930000-930149 (~15-20 s a scene), then measures and decides on them.
bench-generated: $(STAMP)
	sh ../shared/tools/synth/render.sh bench/scenes/eval 930000:930150 --profile wide --meta
	$(BIN)/python bench/accuracy.py --scenes bench/scenes/eval
	$(BIN)/python bench/decisions.py --scenes bench/scenes/eval --from bench/results/accuracy_eval.json

soak: $(STAMP)
	MALLOC_ARENA_MAX=2 QT_QPA_PLATFORM=offscreen $(BIN)/python bench/soak.py

bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/legfit.spec
	./packaging/scripts/smoke-bundle.sh dist/legfit

clean:
	rm -rf build dist .pytest_cache .ruff_cache
