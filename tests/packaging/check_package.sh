#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/packaging/check_package.sh BUILD_DIR: the .deb that `cmake --build BUILD_DIR --target
# package` makes, checked as Debian checks packages: lintian reports no error (nor warning), the
# AppStream metainfo and the desktop file validate, the man pages format without warnings, the
# package holds what it should, and it depends on every run-time package scripts/packages.txt
# marks `deb`.
set -euo pipefail
build=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
deb=$(ls "$out"/deepdesk_*.deb)
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

status=0
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' || true)
if echo "$lintian_out" | grep -qE '^[EW]: '; then
    echo "lintian:"
    echo "$lintian_out"
    status=1
else
    echo "lintian: no errors, no warnings"
fi

appstreamcli validate --no-net "$root/packaging/io.github.deepdesk.DeepDesk.metainfo.xml" || status=1
desktop-file-validate "$root/packaging/deepdesk.desktop" && echo "desktop file: valid" || status=1
for page in deepdesk deepdesk-cli; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$root/packaging/man/$page.1" 2>&1 >/dev/null || true)
    if [ -n "$warnings" ]; then
        echo "man page $page: $warnings"
        status=1
    fi
done
echo "man pages: formatted"

contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/deepdesk ./usr/bin/deepdesk-cli ./usr/share/applications/deepdesk.desktop \
            ./usr/share/metainfo/io.github.deepdesk.DeepDesk.metainfo.xml ./usr/share/man/man1/deepdesk.1.gz \
            ./usr/share/man/man1/deepdesk-cli.1.gz ./usr/share/doc/deepdesk/copyright \
            ./usr/share/icons/hicolor/scalable/apps/deepdesk.svg; do
    if ! echo "$contents" | grep -q " $path\$"; then
        echo "missing from the package: $path"
        status=1
    fi
done

depends=$(dpkg-deb -f "$deb" Depends)
while read -r pkg; do
    if ! echo ", $depends," | grep -q ", $pkg[ ,(]"; then
        echo "the .deb does not depend on $pkg (marked deb in scripts/packages.txt)"
        status=1
    fi
done < <(awk '/^[a-z0-9.+-]+[ \t]+deb[ \t]*$/ {print $1}' "$root/scripts/packages.txt")
echo "Depends: $depends"
exit $status
