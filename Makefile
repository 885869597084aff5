# Two commands do everything on a fresh machine with Python 3.11+:
#   make run   - set up, start the local database, load the demo, serve the app
#   make test  - set up, then lint, migration check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
LOCALDB := $(BIN)/python -m betterway.dev.localdb
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench bench-mail load backup restore lint format lock clean-db

$(STAMP): requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $(STAMP)

install: $(STAMP)

run: install
	@DJANGO_DEBUG=1 exec $(LOCALDB) run --stop -- sh -c '\
		$(BIN)/python manage.py migrate --noinput && \
		$(BIN)/python manage.py load_demo && \
		printf "\nOpen http://$(HOST):$(PORT)/ and log in with one of the accounts above.\nMail is printed here; a worker sends it. Ctrl-C stops.\n" && \
		exec $(BIN)/python manage.py serve $(HOST):$(PORT)'

# Layout is ruff format's to decide: a "fmt: skip" marker fails the lint.
NO_FMT_SKIP := ! git grep -n "fmt: skip" -- "*.py"

test: install
	@DJANGO_DEBUG=1 exec $(LOCALDB) run -- sh -c '\
		$(BIN)/ruff check . && \
		$(BIN)/ruff format --check . && \
		$(NO_FMT_SKIP) && \
		$(BIN)/mypy . && \
		$(BIN)/python manage.py makemigrations --check --dry-run && \
		exec $(BIN)/pytest $(PYTEST_ARGS)'

# Scale data (200,000 notes) in its own database, then the benchmark.
# Sizes: make bench SCALE_ARGS="--notes 20000 --meetings 1000"; another size
# in its own database: make bench BENCH_DATABASE=betterway_1m SCALE_ARGS="--notes 1000000 --meetings 50000"
BENCH_DATABASE ?= betterway_bench
bench: install
	@DJANGO_DEBUG=1 BETTERWAY_BENCHMARK_VIEWS=1 BETTERWAY_DATABASE=$(BENCH_DATABASE) exec $(LOCALDB) run -- sh -c '\
		$(BIN)/python manage.py migrate --noinput -v0 && \
		($(BIN)/python manage.py scale_data $(SCALE_ARGS) || \
		 echo "Keeping the scale data already loaded.") && \
		exec $(BIN)/python manage.py bench $(BENCH_ARGS)'

# Mail through a real worker to a local SMTP server: latency and mails per second.
bench-mail: install
	@DJANGO_DEBUG=1 exec $(LOCALDB) run -- sh -c '\
		$(BIN)/python manage.py migrate --noinput -v0 && \
		exec $(BIN)/python manage.py bench_mail $(BENCH_ARGS)'

# Simulated users against nginx and gunicorn on production settings, on the
# demo in its own database: make load LOAD_ARGS="--users 50 --seconds 60"
load: install
	@DJANGO_DEBUG=1 BETTERWAY_DATABASE=betterway_load exec $(LOCALDB) run -- sh -c '\
		$(BIN)/python manage.py migrate --noinput -v0 && \
		$(BIN)/python manage.py load_demo -v0 && \
		exec $(BIN)/python manage.py load $(LOAD_ARGS)'

# A dated pg_dump (custom format) in backups/, of the local server or DATABASE_URL.
PG_BIN = BETTERWAY_PG_BIN=$${BETTERWAY_PG_BIN:-$$($(LOCALDB) bin)}
backup: install
	@$(PG_BIN) DJANGO_DEBUG=$${DJANGO_DEBUG-1} exec $(LOCALDB) run -- $(BIN)/python manage.py backup

# Restore a backup into a new database beside the one in use: make restore FILE=backups/x.dump
restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/<name>.dump"; exit 2; }
	@$(PG_BIN) DJANGO_DEBUG=$${DJANGO_DEBUG-1} exec $(LOCALDB) run -- $(BIN)/python manage.py restore "$(FILE)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(NO_FMT_SKIP)
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the lock files after changing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
		-o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
		--extra dev -o requirements-dev.lock pyproject.toml

# Stop the local database server and delete its data.
clean-db: install
	$(LOCALDB) stop
	rm -rf .pgdata .pgdata.lock
