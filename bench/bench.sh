#!/bin/sh
# make bench: every figure next to a reference measured in the same run on the
# same machine, as a ratio (these machines are shared and noisy).
#
#   1. bench_vouch: the library through its router in one process (bulk
#      registration, promotions, `artifact show` and `status` lookups), next
#      to raw SQLite on an artifacts-shaped table with the same digest index;
#   2. the CLI's bulk registration, `vouch artifact register --from-file` with
#      the same N artifacts, next to the raw batched insert measured right
#      before it (the issue states the registration goal on this command);
#   3. the CLI's process start: `vouch artifact show` on a small data dir, next
#      to /bin/true started the same way (hyperfine when installed, else a
#      loop timed with date +%s%N).
#
# Benchmarks report; they never fail on a figure (exit 0 unless something
# could not run at all). See bench/README.md.
#
# Usage: bench/bench.sh BUILD_DIR [N]
#   N: artifacts (default $VOUCH_BENCH_N, else 100000)
# Environment: VOUCH_BENCH_ROUNDS (registration rounds in bench_vouch, 3),
#   VOUCH_BENCH_CLI_RUNS (process-start runs, 200),
#   VOUCH_BENCH_NO_HYPERFINE=1 (use the timed loop even with hyperfine).
set -eu

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: bench/bench.sh BUILD_DIR [N]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
n=${2:-${VOUCH_BENCH_N:-100000}}
runs=${VOUCH_BENCH_CLI_RUNS:-200}
bench="$build/bench/bench_vouch"
vouch="$build/vouch"
for f in "$bench" "$vouch"; do
    [ -x "$f" ] || { echo "bench/bench.sh: $f is missing; build first" >&2; exit 2; }
done

scratch=$(mktemp -d "$build/bench-sh-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

# 1234567 -> 1,234,567
AWK_GROUP='function g(v,  s, o) { s = sprintf("%.0f", v); o = "";
    while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    return s o }'

echo "== vouch benchmarks: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), $(nproc) cores, N = $n =="
echo

# --- 1. the library, one process ---------------------------------------------
"$bench" "$n" --dir "$scratch"

# --- 2. the CLI's bulk registration ------------------------------------------
echo
echo "-- CLI: vouch artifact register --from-file (N lines; process start, reading and"
echo "   parsing the file and exit included), next to the raw insert measured just before"
"$bench" "$n" --jsonl "$scratch/list.jsonl"
data="$scratch/bulk"
"$vouch" --data "$data" init >/dev/null
"$vouch" --data "$data" project create p >/dev/null
raw=$("$bench" "$n" --raw-insert --dir "$scratch" | awk '/^raw_insert_per_s/ { print $2 }')
t0=$(date +%s%N)
"$vouch" --data "$data" artifact register --project p --from-file "$scratch/list.jsonl" >/dev/null
t1=$(date +%s%N)
rm -rf "$data"
awk -v n="$n" -v ns=$((t1 - t0)) -v w="$raw" "$AWK_GROUP"' BEGIN {
    c = n / (ns / 1e9); r = c / w
    printf "%-16s %12s/s   raw insert %s/s   ratio %.2f  (goal >= 0.50)  %s\n",
        "register.cli", g(c), g(w), r, (r >= 0.5 ? "OK" : "BELOW GOAL") }'

# --- 3. the CLI's process start ----------------------------------------------
echo
echo "-- CLI process start: vouch artifact show (start, open the store, one lookup, print, exit)"
data="$scratch/cli"
"$vouch" --data "$data" init >/dev/null
"$vouch" --data "$data" project create p >/dev/null
printf 'bench\n' >"$scratch/a.bin"
digest=$("$vouch" digest "$scratch/a.bin")
"$vouch" --data "$data" artifact register --project p --name a --kind binary \
    --source-type file --source-uri "$scratch/a.bin" "$digest" >/dev/null
"$vouch" --data "$data" artifact show --project p "$digest" >/dev/null # fails loudly if broken

report_start() { # cli_ns true_ns how
    awk -v c="$1" -v t="$2" -v m="$3" 'BEGIN {
        printf "%-16s %9.2f ms per run   /bin/true %.2f ms   ratio %.1fx  (no goal; %s)\n",
            "cli.show", c / 1e6, t / 1e6, c / t, m }'
}

if command -v hyperfine >/dev/null 2>&1 && [ -z "${VOUCH_BENCH_NO_HYPERFINE:-}" ]; then
    hyperfine -N --warmup 10 --runs "$runs" --export-csv "$scratch/start.csv" \
        "$vouch --data $data artifact show --project p $digest" /bin/true >"$scratch/hf.log" 2>&1 ||
        { cat "$scratch/hf.log" >&2; exit 1; }
    # command,mean,stddev,median,user,system,min,max (seconds)
    cli_ns=$(awk -F, 'NR == 2 { printf "%.0f", $4 * 1e9 }' "$scratch/start.csv")
    true_ns=$(awk -F, 'NR == 3 { printf "%.0f", $4 * 1e9 }' "$scratch/start.csv")
    report_start "$cli_ns" "$true_ns" "hyperfine, median of $runs runs"
else
    time_loop() { # prints nanoseconds per run of "$@", over $runs runs
        start=$(date +%s%N)
        i=0
        while [ "$i" -lt "$runs" ]; do
            "$@" >/dev/null
            i=$((i + 1))
        done
        end=$(date +%s%N)
        echo $(((end - start) / runs))
    }
    time_loop /bin/true >/dev/null # warm up the loop itself
    cli_ns=$(time_loop "$vouch" --data "$data" artifact show --project p "$digest")
    true_ns=$(time_loop /bin/true)
    report_start "$cli_ns" "$true_ns" "mean of $runs runs in a loop, date +%s%N"
fi
