#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The manuals render without warnings and leave nothing out: every config key the parser
# knows is in netagg.conf(5), every command the binary dispatches is in netagg(8) and in
# the bash completion, and the systemd unit and completion are well-formed.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

for page in "$top/man/netagg.8" "$top/man/netagg.conf.5"; do
	if ! command -v man >/dev/null; then
		echo "SKIP: no man(1) to render $page"
		continue
	fi
	warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$warnings" ] && ok || bad "$(basename "$page"): $warnings"
done

# The keys are the parser's own lists of known keys, so a new key cannot go undocumented.
keys=$(awk '/const known\[\] = \{/ { grab = 1 } grab { print } /NULL \};/ { grab = 0 }' "$top/src/conf.c" |
	grep -o '"[a-z_]*"' | tr -d '"' | sort -u)
[ -n "$keys" ] && ok || bad "could not read the known keys from src/conf.c"
for key in $keys; do
	grep -q "^\.BR $key " "$top/man/netagg.conf.5" && ok || bad "key '$key' is not documented in netagg.conf(5)"
	grep -q "\`$key\`" "$top/README.md" && ok || bad "key '$key' is not in README's table"
done

commands=$(sed -n '/} commands\[\] = {/,/};/p' "$top/src/main.c" | grep -o '{ "[a-z]*"' | cut -d'"' -f2 | sort -u)
for cmd in $commands; do
	grep -Eq "^\.BR? (.* )?\"?$cmd\b" "$top/man/netagg.8" && ok || bad "command '$cmd' is not in netagg(8)"
	grep -q "\b$cmd\b" "$top/contrib/completion/netagg" && ok || bad "command '$cmd' is not completed"
done
bash -n "$top/contrib/completion/netagg" && ok || bad "completion script does not parse"
grep -q '^Type=notify$' "$top/contrib/systemd/netagg.service.in" &&
	grep -q '^ExecReload=' "$top/contrib/systemd/netagg.service.in" && ok || bad "systemd unit lacks Type=notify or ExecReload"
echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
