#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# deepdesk-cli index / ask as a script would use them: a copy of the mixed Chinese/English fixture
# folder indexed, listed, asked in both languages (the sources with file and line, as JSON too),
# indexed again after a change (only the change is read), and the refusals: a collection without
# a folder, a folder that is not one, a collection that does not exist.
# usage: cli_collections.sh DEEPDESK_CLI FIXTURE_FOLDER
set -eu
CLI=$1; FIXTURE=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$FIXTURE" "$T/docs"
export DEEPDESK_DATA_DIR="$T/data"

"$CLI" index docs "$T/docs" > "$T/out.txt" || fail "index"
grep -q "docs: 11 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; 11 files" "$T/out.txt" || fail "index: $(cat "$T/out.txt")"
"$CLI" index --list | grep -q "^docs	11 files" || fail "list"

"$CLI" ask --collection docs "What is the budget for the usability study?" > "$T/ask.txt"
head -1 "$T/ask.txt" | grep -q "^\[1\] notes/meeting-2026-03-14.md, line " || fail "ask: $(cat "$T/ask.txt")"
"$CLI" ask --collection docs "红烧肉要炖多久？" --json | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
s = r["sources"][0]
assert s["path"] == "notes/菜谱.txt" and "一个半小时" in s["text"] and s["line"] >= 1, r' || fail "ask --json"

echo "Pancakes need 300 ml of milk." > "$T/docs/notes/pancakes.txt"
rm "$T/docs/notes/config.json"
"$CLI" index docs | grep -q "docs: 1 added, 0 updated, 1 removed, 10 unchanged" || fail "incremental"
"$CLI" ask --collection docs "pancakes milk" | head -1 | grep -q "notes/pancakes.txt" || fail "the new file"

! "$CLI" index other 2> "$T/err.txt" || fail "a new collection without a folder"
grep -q "give its folder" "$T/err.txt" || fail "message: $(cat "$T/err.txt")"
! "$CLI" index other "$T/docs/notes/recipes.txt" 2> "$T/err.txt" || fail "a file as the folder"
grep -q "not a folder" "$T/err.txt" || fail "message: $(cat "$T/err.txt")"
! "$CLI" ask --collection nope "x" 2> "$T/err.txt" || fail "a missing collection"
grep -q "no collection named 'nope'" "$T/err.txt" || fail "message: $(cat "$T/err.txt")"
"$CLI" index docs --remove | grep -q "removed docs" || fail "remove"
[ -z "$("$CLI" index --list)" ] || fail "still listed"
[ -f "$T/docs/notes/recipes.txt" ] || fail "the folder itself must stay"
echo "cli collections: ok"
