#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fake_server.sh MODE: a minimal MCP server over stdio for tests, in plain sh (no node needed).
# One tool, `ping`, answers "pong <its arguments>". MODE:
#   ok       answers every request
#   slow     never answers tools/call (a call must time out or be cancelled)
#   garbage  writes a line that is not JSON-RPC first, then behaves as ok
#   crash    exits with code 3 after initializing
#   stubborn as ok, but does not end when its input does, and ignores SIGTERM (says its pid)
# It writes what it does to stderr (the app's server log).
mode=${1:-ok}
[ "$mode" = garbage ] && echo "this is not JSON-RPC"
echo "fake MCP server ($mode) started" >&2
[ "$mode" = stubborn ] && { echo "pid $$" >&2; trap '' TERM; }
while IFS= read -r line; do
    id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p')
    case "$line" in
    *'"method":"initialize"'*)
        printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{"listChanged":false}},"serverInfo":{"name":"fake","version":"1.0"}}}\n' "$id"
        [ "$mode" = crash ] && { echo "crashing on purpose" >&2; exit 3; }
        ;;
    *'"method":"tools/list"'*)
        printf '{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"ping","description":"Answers pong","inputSchema":{"type":"object","properties":{}}}]}}\n' "$id"
        ;;
    *'"method":"tools/call"'*)
        echo "call: $line" >&2
        if [ "$mode" != slow ]; then
            args=$(printf '%s' "$line" | sed -n 's/.*"arguments":\({[^}]*}\).*/\1/p' | sed 's/"/\\"/g')
            printf '{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"pong %s"}]}}\n' "$id" "$args"
        fi
        ;;
    *'"method":"ping"'*)
        printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id"
        ;;
    esac
done
# Input ended: a stubborn server stays until it is killed.
[ "$mode" = stubborn ] && while :; do sleep 1; done
exit 0
