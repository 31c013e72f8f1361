#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# install.sh WORK_DIR: installs the pinned MCP reference servers (package.json, package-lock.json)
# into WORK_DIR once, for tst_mcp. Exit 77 (skipped, with the reason) when node/npm or the npm
# registry is not reachable; tst_mcp then skips its reference-server cases and says so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$1
mkdir -p "$work"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIPPED: node and npm are needed for the MCP reference servers (apt install nodejs npm)"
    exit 77
fi
if [ -x "$work/node_modules/.bin/mcp-server-everything" ] && cmp -s "$here/package-lock.json" "$work/package-lock.json"; then
    echo "MCP reference servers already installed in $work"
    exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$work/"
if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "SKIPPED: npm could not install the MCP reference servers (is the npm registry reachable?)"
    exit 77
fi
echo "MCP reference servers installed in $work"
