#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every project source file carries an SPDX licence line near its top.
set -u
cd "$(dirname "$0")/../.."
missing=0
count=0
while IFS= read -r f; do
    count=$((count + 1))
    if ! head -n 3 "$f" | grep -q "SPDX-License-Identifier:"; then
        echo "no SPDX line: $f"
        missing=$((missing + 1))
    fi
done < <(find engine storage server cli app qml tests bench packaging scripts .ci CMakeLists.txt cmake -type f \
            \( -name '*.cpp' -o -name '*.h' -o -name '*.qml' -o -name '*.cmake' -o -name 'CMakeLists.txt' \
               -o -name '*.sh' -o -name '*.py' -o -name 'run' -o -name 'test' -o -name 'format' \) \
            -not -path '*/build/*' | sort)
echo "$count files checked, $missing without an SPDX line"
[ "$missing" -eq 0 ]
