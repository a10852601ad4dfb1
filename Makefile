# Puja Indah. `make run` and `make test` do all the set-up on a fresh machine with Python 3.11+.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: run test lint bench install browser gateway-config clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

# Bytecode compiled once at install: services start in half the time, even where PYTHONDONTWRITEBYTECODE is set.
# --all-packages: every workspace member (shared, services/*), so the root lists no service.
install: $(UV)
	$(UV) sync --frozen --all-packages --compile-bytecode

run: install
	$(UV) run puja run

# The portal's browser tests drive Debian's Chromium (never `playwright install`, which downloads a browser).
PUJA_CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)
browser:
	@test -x $(PUJA_CHROMIUM) || { \
	  echo "Memasang Chromium dari paket Debian (uji peramban portal)..."; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; \
	} || { echo "Chromium tidak ada di $(PUJA_CHROMIUM) dan tidak dapat dipasang: pasang paket Debian chromium (butuh root), atau atur PUJA_CHROMIUM ke Chromium yang ada"; exit 1; }

test: install browser
	PUJA_CHROMIUM=$(PUJA_CHROMIUM) $(UV) run pytest

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	MYPYPATH=$(subst $(eval) ,:,$(wildcard shared/src services/*/src)) $(UV) run mypy shared/src services/*/src

bench: install
	$(UV) run python bench/bench_impor.py --rows 100000
	$(UV) run python bench/bench_propagasi.py --changes 20
	$(UV) run python bench/bench_baca.py --connections 32 --seconds 5
	$(UV) run python bench/bench_skala.py --rows 1000000

gateway-config: install
	$(UV) run python -m puja_kit.gateway --write

clean:
	rm -rf .data .tools
