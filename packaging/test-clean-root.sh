#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# packaging/test-clean-root.sh DEB [ROOT] [OUT]: the .deb on a clean Debian 12 root, as a new user
# gets it. Makes ROOT with `debootstrap --variant=minbase bookworm` when it does not exist, installs
# the package there with `apt install ./deepdesk_*.deb` (which pulls in everything it depends on),
# runs `deepdesk --version` and `deepdesk-cli --version`, pictures the main window and a file dialog
# on the offscreen platform (PNGs in OUT), fails on any QML warning, then purges the package and
# checks that none of its files is left. Needs root and Debian's mirror.
set -euo pipefail
deb=$(realpath "${1:?usage: packaging/test-clean-root.sh DEB [ROOT] [OUT]}")
root=${2:-/tmp/deepdesk-clean-root}
out=$(realpath -m "${3:-clean-root-out}")
mkdir -p "$out"

if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "== debootstrap --variant=minbase bookworm $root"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$out/debootstrap.log"
fi
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

if in_root dpkg-query -W deepdesk >/dev/null 2>&1; then
    in_root apt-get purge -y -qq deepdesk >/dev/null
fi
cp "$deb" "$root/tmp/"
echo "== apt install ./$(basename "$deb")"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./tmp/$(basename "$deb")" >"$out/apt-install.log"
echo "   $(grep -c '^Setting up' "$out/apt-install.log") packages set up"

echo "== deepdesk --version: $(in_root deepdesk --version)"
echo "== deepdesk-cli --version: $(in_root deepdesk-cli --version)"
shot() {  # shot NAME ARGS...: a screenshot in OUT; the log must hold no warning
    local name=$1
    shift
    mkdir -p -m 700 "$root/tmp/runtime"
    in_root env QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp/runtime DEEPDESK_DATA_DIR=/tmp/deepdesk-data \
        deepdesk --screenshot "/tmp/$name.png" "$@" >"$out/$name.log" 2>&1
    cp "$root/tmp/$name.png" "$out/"
    if grep -Ei 'warning|error|not installed|qrc:/' "$out/$name.log"; then
        echo "deepdesk warned while showing $name (above)" >&2
        return 1
    fi
    echo "   $name.png: $(cat "$out/$name.log")"
}
echo "== screenshots"
shot main
shot import-model-dialog --open import-model
shot export-all-dialog-zh_CN --open export-all --lang zh_CN
shot settings-zh_CN --open settings --lang zh_CN

echo "== apt purge deepdesk"
installed=$(in_root dpkg-query -L deepdesk)
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq deepdesk >"$out/apt-purge.log"
in_root env DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -qq >>"$out/apt-purge.log"
if in_root dpkg-query -W deepdesk >/dev/null 2>&1; then
    echo "deepdesk is still installed" >&2
    exit 1
fi
left=""
for f in $installed; do
    if [ -f "$root$f" ] || [ -L "$root$f" ]; then
        left="$left $f"
    fi
done
if [ -n "$left" ]; then
    echo "left behind after the purge:$left" >&2
    exit 1
fi
echo "== removed cleanly: none of its $(echo "$installed" | wc -l) paths is left"
