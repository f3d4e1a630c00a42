# naryad — GNU make targets. Run `make help` for the list.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The Go toolchain lives in /usr/local/go/bin on the build hosts; put it first
# so a CI shell without it on PATH (or with an older go) still works.
export PATH := $(if $(wildcard /usr/local/go/bin/go),/usr/local/go/bin:)$(PATH)

GO       ?= go
BIN      := bin
PKG      := ./cmd/naryad
# Release builds: pure Go (the SQLite driver needs no cgo), reproducible paths,
# no symbol tables.
RELEASE_FLAGS := -trimpath -ldflags='-s -w'
CROSS    := linux/amd64 linux/arm64 windows/amd64

# Local PostgreSQL for test-pg and bench (trust auth as user postgres).
PG_HOST  ?= 127.0.0.1
PG_PORT  ?= 5432
PG_USER  ?= postgres
PG_ADMIN_DB ?= postgres
PSQL     := psql -X -q -v ON_ERROR_STOP=1 -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -d $(PG_ADMIN_DB)

# with_fresh_pg PREFIX, COMMAND: creates database PREFIX_<random>, runs
# COMMAND with NARYAD_TEST_POSTGRES_URL pointing at it, and drops it again
# whatever COMMAND's outcome (COMMAND's exit status is kept).
define with_fresh_pg
db=$(1)_$$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n'); \
$(PSQL) -c "CREATE DATABASE $$db"; \
trap '$(PSQL) -c "DROP DATABASE IF EXISTS $$db WITH (FORCE)" || true' EXIT; \
echo "PostgreSQL test database: $$db"; \
NARYAD_TEST_POSTGRES_URL="postgres://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$$db?sslmode=disable" $(2)
endef

.PHONY: help run build cross test test-pg bench lint deps stripe-mock mailpit clean screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: build ## build, load demo data (./data) and serve on 127.0.0.1:8080
	./$(BIN)/naryad demo
	./$(BIN)/naryad serve

build: ## build bin/naryad for this machine
	$(GO) build -o $(BIN)/naryad $(PKG)

cross: ## CGO-free release builds for linux/amd64, linux/arm64, windows/amd64 in bin/
	@for target in $(CROSS); do \
		os=$${target%/*}; arch=$${target#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		out=$(BIN)/naryad-$$os-$$arch$$ext; echo "build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build $(RELEASE_FLAGS) -o $$out $(PKG); \
	done
	@ls -l $(BIN)/naryad-*

test: stripe-mock mailpit ## run every test (on PostgreSQL too when NARYAD_TEST_POSTGRES_URL is set)
	$(GO) test -count=1 -timeout 30m ./...

screenshots: ## retake docs/screenshots/*.png with the browser tests (and the loan agreement's first page with pdftoppm)
	NARYAD_WRITE_SCREENSHOTS=1 $(GO) test -count=1 -run 'Browser' ./hub/web/customer/ ./hub/web/inbox/ ./hub/web/account/ ./hub/web/loan/ ./app/ ./locker/kiosk/ui/ ./reminders/
	NARYAD_WRITE_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestRenderPolish' ./hub/loanpdf/

test-pg: ## run every test on SQLite and on a fresh database on the local PostgreSQL
	@$(call with_fresh_pg,naryad_ci,$(MAKE) --no-print-directory test)

bench: ## run bench/run.sh (PostgreSQL figures too when the local server answers)
	@if [ ! -f bench/run.sh ]; then echo "bench/run.sh does not exist yet" >&2; exit 1; fi
	@if pg_isready -q -h $(PG_HOST) -p $(PG_PORT) 2>/dev/null; then \
		$(call with_fresh_pg,naryad_bench,bash bench/run.sh); \
	else \
		echo "PostgreSQL is not reachable at $(PG_HOST):$(PG_PORT); SQLite figures only"; \
		bash bench/run.sh; \
	fi

lint: ## gofmt must list no file; go vet must pass
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l lists files that need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# stripe-mock: Stripe's API mock, which the Stripe provider's tests run
# (internal/stripemock finds it on PATH or in $GOPATH/bin).
STRIPE_MOCK := github.com/stripe/stripe-mock@v0.203.0

stripe-mock: ## install stripe-mock for the payment tests, unless it is on PATH or in $GOPATH/bin already
	@command -v stripe-mock >/dev/null || [ -x "$$($(GO) env GOPATH)/bin/stripe-mock" ] || $(GO) install $(STRIPE_MOCK)

# Mailpit: a real SMTP server with an HTTP API, which the e-mail tests run
# (internal/mailpit finds it on PATH or in $GOPATH/bin).
MAILPIT := github.com/axllent/mailpit@v1.33.1

mailpit: ## install Mailpit for the e-mail tests, unless it is on PATH or in $GOPATH/bin already
	@command -v mailpit >/dev/null || [ -x "$$($(GO) env GOPATH)/bin/mailpit" ] || $(GO) install $(MAILPIT)

# Lighthouse audits the staff pages' accessibility (app's Lighthouse test);
# installed by npm under .cache/lighthouse, pinned.
LIGHTHOUSE := lighthouse@12.8.2

deps: ## fetch Go modules; install stripe-mock, Mailpit, Lighthouse (npm), Chromium for the browser tests and poppler-utils for the PDF tests when missing
	$(GO) mod download
	$(GO) install $(STRIPE_MOCK)
	$(GO) install $(MAILPIT)
	@if [ -x .cache/lighthouse/node_modules/.bin/lighthouse ]; then \
		echo "Lighthouse is in .cache/lighthouse"; \
	elif command -v npm >/dev/null; then \
		npm install --prefix .cache/lighthouse --no-audit --no-fund --loglevel=error $(LIGHTHOUSE); \
	else \
		echo "no npm: the Lighthouse test skips (apt-get install -y npm)"; \
	fi
	@if browser=$$(command -v chromium || command -v chromium-browser); then \
		echo "browser tests use $$browser"; \
	else \
		echo "no chromium on PATH: installing chromium chromium-driver (the browser tests skip without it)"; \
		apt-get update && apt-get install -y chromium chromium-driver; \
	fi
	@if command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then \
		echo "PDF tests use $$(command -v pdftotext)"; \
	else \
		echo "no pdftotext/pdftoppm: installing poppler-utils (the PDF tests read the agreement with it; they skip without it, but fail in CI)"; \
		apt-get update && apt-get install -y poppler-utils; \
	fi

clean: ## remove bin/ (the demo data in ./data stays; rm -rf data to start over)
	rm -rf $(BIN)
