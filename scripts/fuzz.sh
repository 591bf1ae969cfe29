#!/bin/sh
# Run every libFuzzer target in BUILD for SECONDS each, starting from the
# committed seed corpus tests/fuzz/corpus/<target>/ (copied, so the run
# never writes into the source tree).
set -eu
build=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
found=0
for t in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$t" ] || continue
    found=1
    name=$(basename "$t")
    work="$build/fuzz-work/$name"
    mkdir -p "$work/corpus"
    if [ -d "$root/tests/fuzz/corpus/$name" ]; then
        cp -r "$root/tests/fuzz/corpus/$name/." "$work/corpus/"
    fi
    echo "== fuzz $name for ${seconds}s =="
    ASAN_OPTIONS=detect_leaks=1 "$t" -max_total_time="$seconds" -max_len=65536 \
        -print_final_stats=0 -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1 || {
        tail -n 60 "$work/log"
        echo "fuzz: $name found a failure; reproducer in $work/" >&2
        exit 1
    }
    tail -n 1 "$work/log"
done
[ "$found" = 1 ] || echo "fuzz: no targets built" >&2
