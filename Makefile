# Puja Indah. `make run` and `make test` do all the set-up on a fresh machine with Python 3.11+.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: run test lint bench install gateway-config clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

# Bytecode compiled once at install: services start in half the time, even where PYTHONDONTWRITEBYTECODE is set.
# --all-packages: every workspace member (shared, services/*), so the root lists no service.
install: $(UV)
	$(UV) sync --frozen --all-packages --compile-bytecode

run: install
	$(UV) run puja run

test: install
	$(UV) run pytest

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	MYPYPATH=$(subst $(eval) ,:,$(wildcard shared/src services/*/src)) $(UV) run mypy shared/src services/*/src

bench: install
	$(UV) run python bench/bench_impor.py --rows 100000
	$(UV) run python bench/bench_propagasi.py --changes 20

gateway-config: install
	$(UV) run python -m puja_kit.gateway --write

clean:
	rm -rf .data .tools
