#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# expect_usage_error.sh COMMAND [ARGS...]: passes when COMMAND exits non-zero and prints its usage.
out=$("$@" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "expected a non-zero exit from: $*" >&2
    exit 1
fi
if ! printf '%s\n' "$out" | grep -qi "usage"; then
    echo "expected usage text from: $* (got: $out)" >&2
    exit 1
fi
echo "exit $rc with usage, as expected"
