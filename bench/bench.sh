#!/bin/sh
# make bench: library benchmark with its same-run SQLite reference, then the
# CLI's process start measured separately next to /bin/true.
# Usage: bench/bench.sh BUILD_DIR [N]
set -eu
build=$1
n=${2:-${VOUCH_BENCH_N:-100000}}
scratch="$(cd "$build" && pwd)/bench-scratch"
rm -rf "$scratch"
mkdir -p "$scratch"

"$build/bench/bench_vouch" "$n" "$scratch"

# --- CLI process start -----------------------------------------------------
vouch="$build/vouch"
data="$scratch/cli"
"$vouch" --data "$data" init >/dev/null
"$vouch" --data "$data" project create p >/dev/null
printf 'bench\n' >"$scratch/a.bin"
digest=$("$vouch" digest "$scratch/a.bin")
"$vouch" --data "$data" artifact register --project p --name a --kind binary \
    --source-type file --source-uri "$scratch/a.bin" "$digest" >/dev/null

runs=200
time_loop() { # prints nanoseconds per run of "$@"
    start=$(date +%s%N)
    i=0
    while [ $i -lt $runs ]; do
        "$@" >/dev/null
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $(((end - start) / runs))
}
cli_ns=$(time_loop "$vouch" --data "$data" artifact show --project p "$digest")
true_ns=$(time_loop /bin/true)
awk -v c="$cli_ns" -v t="$true_ns" 'BEGIN {
    printf "\n%-22s %9.2f ms per run   /bin/true %.2f ms   ratio %.1fx  (process start, open, one lookup)\n",
        "cli artifact show", c / 1e6, t / 1e6, c / t }'
rm -rf "$scratch"
