#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# deepdesk-cli conversations list|export|import as a script would use them: the corpus of rich
# answers imported into a fresh database, listed, exported to every format, the HTML opened by a
# parser and checked for MathML, coloured code and no raw TeX; a database of a newer schema and a
# missing one refused with a clear message and left as they were.
# usage: cli_conversations.sh DEEPDESK_CLI CORPUS_JSON
set -eu
CLI=$1; CORPUS=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CLI" conversations import --db "$T/c.db" "$CORPUS" | grep -q "imported 5 conversations" || fail "import"
"$CLI" conversations list --db "$T/c.db" > "$T/list.txt"
grep -q "积分与求和 (R1)" "$T/list.txt" || fail "list lacks the Chinese title"
[ "$(grep -c "DeepSeek\|deepseek" "$T/list.txt")" = 5 ] || fail "list: $(cat "$T/list.txt")"
"$CLI" conversations list --db "$T/c.db" --json | /usr/bin/python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert len(rows) == 5 and all(r["messages"] == 2 for r in rows), rows' || fail "list --json"

# The app's database by default: DEEPDESK_DATA_DIR, as the app reads it.
mkdir -p "$T/data"; cp "$T/c.db" "$T/data/conversations.db"
DEEPDESK_DATA_DIR="$T/data" "$CLI" conversations list | grep -q "Lean 4 proof" || fail "default database"

"$CLI" conversations export --db "$T/c.db" --all --format html -o "$T/all.html" 2> "$T/err.txt"
[ "$(stat -c %a "$T/all.html")" = 600 ] || fail "the export is not owner-only"
! grep -q "not found\|did not load" "$T/err.txt" || fail "renderer: $(cat "$T/err.txt")"
/usr/bin/python3 - "$T/all.html" <<'PY' || fail "html export"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = {}; self.text = []; self.skip = 0; self.classes = []
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if tag in ("annotation", "style"): self.skip += 1
        if "class" in a: self.classes.append(a["class"])
        for k, v in attrs:
            assert not (k in ("src", "srcset") or (k == "href" and tag == "link")), (tag, k, v)
    def handle_endtag(self, tag):
        if tag in ("annotation", "style"): self.skip -= 1
    def handle_data(self, d):
        if not self.skip: self.text.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
text = "".join(p.text)
assert p.tags.get("math", 0) >= 18, p.tags
for t in ("mfrac", "msqrt", "munderover", "mtable", "menclose"):
    assert p.tags.get(t, 0) >= 1, (t, p.tags)
assert "script" not in p.tags and "img" not in p.tags, p.tags
assert sum(c.startswith("hljs-") for c in p.classes) >= 40, "code not coloured"
assert "language-lean4" in p.classes
for raw in ("\\frac{n", "\\sum_", "\\begin{pmatrix} 2", "\\boxed"):
    assert raw not in text, raw + " left as text"
assert "$$\\begin{pmatrix} 1 & 2$$" in text, "the broken formula is not shown as its source"
assert "costs $5 and the pear $10, so $15" in text, "money became maths"
assert "Okay</think>Hi 4U!" in text, "raw HTML was not kept as text"
assert "<details>" not in text and p.tags.get("details", 0) >= 2, "reasoning is not collapsible"
PY

"$CLI" conversations export --db "$T/c.db" --id 1 --format markdown -o "$T/r1.md"
grep -qF '$$\sum_{i=1}^n i = \frac{n(n+1)}{2}$$' "$T/r1.md" || fail "Markdown lost the LaTeX source"
"$CLI" conversations export --db "$T/c.db" --all --format json -o "$T/all.json"
"$CLI" conversations import --db "$T/again.db" "$T/all.json" > /dev/null
"$CLI" conversations export --db "$T/again.db" --all --format json -o "$T/again.json"
cmp -s "$T/all.json" "$T/again.json" || fail "JSON round trip differs"

# Refusals: no database, a newer schema, a file that is not a database, no ids.
if "$CLI" conversations list --db "$T/none.db" 2> "$T/e1"; then fail "a missing database was listed"; fi
grep -q "no conversation database at" "$T/e1" || fail "message: $(cat "$T/e1")"
[ ! -e "$T/none.db" ] || fail "listing created a database"
cp "$T/c.db" "$T/newer.db"
/usr/bin/python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 999'); c.commit()" "$T/newer.db"
sum_before=$(sha256sum < "$T/newer.db")
if "$CLI" conversations export --db "$T/newer.db" --all 2> "$T/e2"; then fail "a newer schema was exported"; fi
grep -qi "newer" "$T/e2" || fail "message: $(cat "$T/e2")"
[ "$(sha256sum < "$T/newer.db")" = "$sum_before" ] || fail "the newer database was changed"
echo "not a database" > "$T/junk.db"
if "$CLI" conversations list --db "$T/junk.db" 2> "$T/e3"; then fail "junk was listed"; fi
grep -q "deepdesk-cli:" "$T/e3" || fail "message: $(cat "$T/e3")"
if "$CLI" conversations export --db "$T/c.db" 2> "$T/e4"; then fail "export without ids"; fi
grep -q "\-\-all" "$T/e4" || fail "message: $(cat "$T/e4")"
echo "ok: conversations list/export/import"
