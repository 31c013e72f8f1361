# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for scripts/run and scripts/test. Sourced, not executed.

DEEPDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEEPDESK_ROOT

# packages_in SECTION...: the package names listed under the given sections of packages.txt.
packages_in() {
    awk -v want=" $* " '
        /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
        /^\[/ { gsub(/[\[\]]/, ""); section = $0; next }
        index(want, " " section " ") { print $1 }
    ' "$DEEPDESK_ROOT/scripts/packages.txt"
}

# install_missing SECTION...: installs, through apt-get, the listed packages that are absent.
# Says what it installs; does nothing (and needs no root) when everything is present.
install_missing() {
    local missing=() pkg
    for pkg in $(packages_in "$@"); do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "deepdesk: all required Debian packages are installed"
        return 0
    fi
    echo "deepdesk: installing missing packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "deepdesk: need root or sudo to install: ${missing[*]}" >&2
            return 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only when an install is actually needed.
    "${sudo[@]}" apt-get update -qq || return 1
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
}

# jobs_for_build: parallel build jobs (cores, capped by memory at ~2 GB per job).
jobs_for_build() {
    local cores mem_gb
    cores=$(nproc 2>/dev/null || echo 2)
    mem_gb=$(awk '/MemAvailable/ {print int($2 / 1048576)}' /proc/meminfo 2>/dev/null || echo 4)
    local by_mem=$(( mem_gb / 2 ))
    [ "$by_mem" -lt 1 ] && by_mem=1
    [ "$by_mem" -lt "$cores" ] && cores=$by_mem
    echo "$cores"
}
