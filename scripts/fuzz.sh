#!/usr/bin/env bash
# fuzz.sh FUZZTIME PACKAGE TARGET... — runs each fuzz target of PACKAGE for FUZZTIME (make fuzz).
#
# A target fails when the fuzzer reports a failing input (written under testdata/fuzz/) or the
# test fails any other way. One case is not a failure: Go's fuzzing coordinator can end a short
# run with a bare "context deadline exceeded" when the time runs out while it is still
# minimizing a new interesting input; no failing input exists then, and the run is repeated once
# (the second run starts from the grown cache and rarely meets the same moment).
set -uo pipefail
fuzztime=$1 pkg=$2
shift 2
for t in "$@"; do
	echo "fuzz $t ($fuzztime)"
	log=$(mktemp "${TMPDIR:-/tmp}/govpulse-fuzz-$t.XXXXXX")
	for attempt in 1 2; do
		if "${GO:-go}" test -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x "$pkg" >"$log" 2>&1; then
			break
		fi
		if grep -q 'Failing input\|panic:' "$log" || ! grep -q 'context deadline exceeded' "$log" || [ "$attempt" = 2 ]; then
			cat "$log"
			rm -f "$log"
			exit 1
		fi
		echo "  deadline met while minimizing a new input (no failing input); running $t once more"
	done
	# A target that needs the embedded engine skips without it (outside CI): say so, loudly.
	grep -h -- '--- SKIP\|storetest: embedded engine unavailable' "$log" | sed 's/^/  SKIPPED: /' || true
	rm -f "$log"
done
