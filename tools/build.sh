#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds netagg out of tree: build/ (plain) or build-asan/ (ASan+UBSan), so both can coexist.
# usage: tools/build.sh [plain|asan] [extra configure flags...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:-plain}
[ $# -gt 0 ] && shift
case "$variant" in
plain) dir=$top/build; flags=() ;;
asan) dir=$top/build-asan; flags=(--enable-sanitizers) ;;
*) echo "usage: tools/build.sh [plain|asan] [configure flags...]" >&2; exit 2 ;;
esac
# A tree configured in place blocks out-of-tree builds; clear it once.
[ -f "$top/config.status" ] && make -C "$top" distclean >/dev/null 2>&1 || true
[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1)
mkdir -p "$dir"
cd "$dir"
# Reconfigure when the flags change, so a CI build never reuses a non -Werror tree.
want="${flags[*]:-} $*"
if [ ! -f Makefile ] || [ "$(cat .configure-flags 2>/dev/null)" != "$want" ]; then
	"$top/configure" "${flags[@]}" "$@" >configure.out 2>&1 || { cat configure.out >&2; exit 1; }
	echo "$want" >.configure-flags
fi
make -j"$(nproc)" >make.out 2>&1 || { cat make.out >&2; exit 1; }
echo "$dir/netagg"
