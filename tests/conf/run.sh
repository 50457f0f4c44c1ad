#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Config golden tests: every good file (and every example in etc/) passes `netagg check`,
# prints exactly its .expected normal form, and that form reads back to itself;
# every bad file fails with exit 1 and exactly the message on its "# expect:" line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${top_srcdir:-$(cd "$here/../.." && pwd)}
netagg=$(realpath "${NETAGG:-$top/build/netagg}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

for f in "$here"/good/*.conf; do
	name=$(basename "$f" .conf)
	if ! "$netagg" check -v "$f" >"$tmp/out" 2>"$tmp/err"; then
		bad "$name: rejected: $(cat "$tmp/err")"
		continue
	fi
	if ! diff -u "$here/good/$name.expected" "$tmp/out"; then
		bad "$name: normal form differs from $name.expected"
		continue
	fi
	# The normal form must be a fixed point: print -> parse -> print gives the same text.
	"$netagg" check -v "$tmp/out" >"$tmp/again" 2>&1 && cmp -s "$tmp/out" "$tmp/again" ||
		{ bad "$name: normal form does not read back to itself"; continue; }
	ok
done

for f in "$top"/etc/netagg/*.conf; do
	"$netagg" check "$f" 2>"$tmp/err" && ok || bad "example $(basename "$f"): $(cat "$tmp/err")"
done

cd "$here/bad"
for f in *.conf; do
	expect=$(sed -n 's/^# expect: //p' "$f")
	"$netagg" check "$f" >/dev/null 2>"$tmp/err"
	rc=$?
	got=$(cat "$tmp/err")
	if [ "$rc" -ne 1 ]; then
		bad "$f: exit $rc, want 1"
	elif [ "$got" != "$expect" ]; then
		bad "$f: got '$got', want '$expect'"
	else
		ok
	fi
done

# Usage errors exit 2, a missing file exits 1 naming it.
"$netagg" check >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "check without FILE must exit 2"
"$netagg" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command must exit 2"
"$netagg" check /nonexistent/x.conf 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q '^/nonexistent/x.conf: cannot open: No such file or directory$' "$tmp/err" && ok ||
	bad "missing file: exit $rc, '$(cat "$tmp/err")'"

echo "conf: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
