#!/bin/sh
# Fails if a tracked C file is not clang-format clean (the committed
# .clang-format). Generated tables turn formatting off themselves
# ("clang-format off"): their generators own the layout.
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format not installed" >&2; exit 1; }
files=$(git ls-files '*.c' '*.h')
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "ok: $(echo "$files" | wc -l) files formatted"
