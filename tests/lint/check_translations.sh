#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every user-visible string in app/ and qml/ has a Chinese translation: runs lupdate on a copy of
# the .ts file and fails on any new or unfinished entry.
set -eu
cd "$(dirname "$0")/../.."
lupdate=$(command -v /usr/lib/qt6/bin/lupdate || command -v lupdate || true)
[ -n "$lupdate" ] || { echo "lupdate not found (qt6-l10n-tools)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp i18n/deepdesk_zh_CN.ts "$tmp/deepdesk_zh_CN.ts"
"$lupdate" -silent -locations none -no-obsolete app qml -ts "$tmp/deepdesk_zh_CN.ts"
unfinished=$(grep -c 'type="unfinished"' "$tmp/deepdesk_zh_CN.ts" || true)
total=$(grep -c '<source>' "$tmp/deepdesk_zh_CN.ts" || true)
echo "$total strings, $unfinished without a Chinese translation"
if [ "$unfinished" -ne 0 ]; then
    grep -B2 'type="unfinished"' "$tmp/deepdesk_zh_CN.ts" | grep '<source>' | sed 's/^ */  /'
    echo "Run: cmake --build build/test --target update_translations, then write the Chinese of each new"
    echo "entry in i18n/deepdesk_zh_CN.ts (Qt Linguist, or by hand: the .ts file is the only source)."
    exit 1
fi
