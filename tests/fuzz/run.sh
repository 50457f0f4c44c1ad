#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Replays the checked-in fuzz corpus through each target with the plain driver (no clang
# needed), so a regression on a once-interesting input fails make check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${FUZZ_BIN:-$(dirname "$NETAGG")/tests/fuzz}
passed=0 failed=0
# Leaks inside libconfig itself are not ours to fix (see lsan.supp); ours still fail.
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for target in frame conf ctlproto rewrite; do
	if "$bin/replay_$target" "$here/corpus/$target"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: replay_$target"
	fi
done
echo "fuzz corpus: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
