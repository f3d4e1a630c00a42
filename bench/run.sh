#!/usr/bin/env bash
# Runs naryad's benchmarks (`make bench`) and prints their figures, one per
# line, as `BENCH <name> <value> <unit>`.
#
# NARYAD_TEST_POSTGRES_URL, when set, points the benchmarks at a PostgreSQL
# server (they create and drop their own databases on it); without it only
# the SQLite figures are measured. BENCH_LOG names the file that keeps the
# full `go test` output (default: a temporary file, kept on failure).
#
# Among them: BENCH reminder_scan_1m_s[_pg] <seconds> s, the reminders'
# daily maintenance scan over 1,000,000 vehicles (target < 10 s), with its
# same-process baseline (count(*) of the vehicles) and their ratio.
set -euo pipefail

cd "$(dirname "$0")/.."

log="${BENCH_LOG:-$(mktemp "${TMPDIR:-/tmp}/naryad-bench.XXXXXX")}"
export NARYAD_TEST_POSTGRES_URL="${NARYAD_TEST_POSTGRES_URL:-}"

echo "bench: go test -bench . ./bench/ (full output in $log)" >&2
status=0
"${GO:-go}" test -run '^$' -bench . -benchtime 1x -timeout 30m ./bench/ >"$log" 2>&1 || status=$?

if [ "$status" -ne 0 ]; then
	cat "$log" >&2
	echo "bench: go test failed with status $status; full output in $log" >&2
	exit "$status"
fi
if ! grep -q '^BENCH ' "$log"; then
	cat "$log" >&2
	echo "bench: no BENCH lines in the output; full output in $log" >&2
	exit 1
fi
if [ -n "$NARYAD_TEST_POSTGRES_URL" ] && ! grep -q '^BENCH [a-z0-9_]*_pg ' "$log"; then
	cat "$log" >&2
	echo "bench: NARYAD_TEST_POSTGRES_URL is set but no PostgreSQL figure was measured; full output in $log" >&2
	exit 1
fi
grep '^BENCH ' "$log"
if [ -z "${BENCH_LOG:-}" ]; then
	rm -f "$log"
fi
