# The two commands a newcomer needs (see README.md): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test prerequisites lint typecheck pytest clean

$(INSTALLED): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/saleor-subscriptions migrate
	$(BIN)/saleor-subscriptions serve --with-worker

# lint-imports checks the house's layers (the contracts in pyproject.toml, docs/architecture.md).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo --no-cache

# mypy's Django plugin loads the settings, which would make the embedded default's key and broker in ./var.
typecheck: $(INSTALLED)
	tmp=$$(mktemp -d) && VAR_DIR=$$tmp $(BIN)/mypy; status=$$?; rm -rf "$$tmp"; exit $$status

pytest: $(INSTALLED)
	scripts/with-postgres scripts/with-redis $(BIN)/python -m pytest $(PYTEST_ARGS)

# What the tests need on the machine: installed as root on Debian, else the exact command to run (at once).
prerequisites:
	scripts/test-prerequisites

test: prerequisites
	$(MAKE) lint typecheck pytest

clean:
	rm -rf $(VENV) var build *.egg-info

# The dashboard pages (dashboard_extension/, docs/dashboard.md): Node 20.19+ and npm. `make run` and `make test`
# build them; `make test` also type-checks, lints and unit-tests them (the browser tests in tests/dashboard/
# drive the build).
DASHBOARD := dashboard_extension
NPM_INSTALLED := $(DASHBOARD)/node_modules/.installed

.PHONY: dashboard dashboard-check

$(NPM_INSTALLED): $(DASHBOARD)/package.json $(DASHBOARD)/package-lock.json
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("dashboard: Node 20.19+ is needed, found " + process.version); process.exit(1) }'
	cd $(DASHBOARD) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_INSTALLED)

dashboard: $(NPM_INSTALLED)
	cd $(DASHBOARD) && npm run --silent build

dashboard-check: $(NPM_INSTALLED)
	cd $(DASHBOARD) && npm run --silent check

run: dashboard
pytest: dashboard
test: dashboard-check
