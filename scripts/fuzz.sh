#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/: parse, compile, inventory) and runs each of them for SECONDS,
# all at once (one libFuzzer process per target) or one after the other (FUZZ_SEQUENTIAL=1),
# niced, from the seed corpus (fuzz/seed.sh) and with the target's dictionary. A run that stops on a crash, a timeout or the
# memory limit is started again for the time left, so that one finding does not end the
# target's share; every finding stays in fuzz/artifacts/<target>/. Prints, per target, the
# executions (libFuzzer's final stats), the time it ran, the executions per second, the runs and
# the findings, then the total.
#
#   scripts/fuzz.sh SECONDS [TARGET...]      (default: every target)
#
# Needs the nightly toolchain and cargo-fuzz (see fuzz/README.md). Environment:
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (default 10)
#   FUZZ_RSS_MB    memory limit of a fuzzing process in MB (default 2048)
#   FUZZ_MAX_LEN   the longest input in bytes (default 4096: a longer one is slower to run than
#                  it is likely to find more; the limits on nesting and line length have their
#                  own tests)
#   FUZZ_LOGS      folder of the libFuzzer logs, one subfolder per run (default fuzz/logs)
#   FUZZ_NICE      the fuzzers' niceness (default 19: they take only the CPU nothing else wants)
#   FUZZ_SEQUENTIAL  1: one target at a time, each for SECONDS (one process on the machine)
#   FUZZ_TRACE_COMPARES  0: build without libFuzzer's comparison hooks (`--no-trace-compares`, in
#                  fuzz/target-nocmp): about twice the executions per second, for volume runs on
#                  a grown corpus; the guidance then follows edges only
#   FUZZ_IDLE      1: run the fuzzers in the idle scheduling class (`chrt --idle 0`): they take only
#                  a core nothing else wants, even at nice 19's expense
set -euo pipefail
seconds="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse compile inventory)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/fuzz"
# One folder of logs per run of this script, so that runs add up instead of overwriting.
logs="${FUZZ_LOGS:-$fuzz/logs}/$(date -u +%Y%m%dT%H%M%SZ)"
timeout="${FUZZ_TIMEOUT:-10}"
rss="${FUZZ_RSS_MB:-2048}"
max_len="${FUZZ_MAX_LEN:-4096}"
niceness="${FUZZ_NICE:-19}"

cd "$fuzz"
./seed.sh >/dev/null
# `-s none`: no sanitizer (safe Rust; the targets look for panics, aborts and hangs). The build
# keeps debug assertions and overflow checks, as cargo-fuzz's default does.
build_flags=(-s none)
target_dir="$fuzz/target"
if [ "${FUZZ_TRACE_COMPARES:-1}" = 0 ]; then
    target_dir="$fuzz/target-nocmp"
    build_flags+=(--no-trace-compares --target-dir "$target_dir")
fi
for target in "${targets[@]}"; do
    CARGO_BUILD_JOBS=2 cargo +nightly fuzz build "${build_flags[@]}" "$target"
done
bin_dir="$target_dir/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
scheduler=(nice -n "$niceness")
[ "${FUZZ_IDLE:-0}" = 1 ] && scheduler=(chrt --idle 0)
mkdir -p "$logs"

# One target for the whole time: runs libFuzzer again after each finding until time is up.
fuzz_target() {
    local target=$1 start end run=0 left status
    start=$(date +%s)
    end=$((start + seconds))
    mkdir -p "corpus/$target" "artifacts/$target"
    # At most 100 runs: a seed that crashes at once would otherwise start it again in a loop.
    while left=$((end - $(date +%s))); [ "$left" -gt 0 ] && [ "$run" -lt 100 ] &&
        [ ! -e "$logs/stop" ]; do
        run=$((run + 1))
        status=0
        "${scheduler[@]}" "$bin_dir/$target" "corpus/$target" \
            -dict="$target.dict" -max_len="$max_len" \
            -timeout="$timeout" -rss_limit_mb="$rss" -max_total_time="$left" \
            -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
            >"$logs/$target.$run.log" 2>&1 || status=$?
        # A run that ends early without a finding (a failure to start) is not retried forever.
        if [ "$status" -ne 0 ] && ! grep -q '^artifact_prefix=\|Test unit written to' "$logs/$target.$run.log"; then
            echo "$target: libFuzzer failed (exit $status), see $logs/$target.$run.log" >&2
            break
        fi
    done
    echo $(($(date +%s) - start)) >"$logs/$target.seconds"
}

# Ctrl-C (or SIGTERM, or a file `stop` in the logs' folder) ends the runs early: each libFuzzer
# prints its final stats on SIGINT, and the figures of the time so far are printed.
trap 'touch "$logs/stop"' INT TERM
start=$(date +%s)
for target in "${targets[@]}"; do
    if [ "${FUZZ_SEQUENTIAL:-0}" = 1 ]; then
        fuzz_target "$target"
    else
        fuzz_target "$target" &
    fi
done
# A trapped signal ends the first `wait` early; the second waits for the runs to end.
wait || wait

total=0
for target in "${targets[@]}"; do
    execs=$(cat "$logs/$target".*.log 2>/dev/null |
        sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s += $1} END {print s + 0}')
    runs=$(ls "$logs/$target".*.log 2>/dev/null | wc -l)
    found=$(cat "$logs/$target".*.log 2>/dev/null | grep -c 'Test unit written to' || true)
    took=$(cat "$logs/$target.seconds" 2>/dev/null || echo 0)
    printf '%-10s %12d executions in %6d s (%d/s), %d run(s), %d finding(s)\n' \
        "$target" "$execs" "$took" "$((execs / (took > 0 ? took : 1)))" "$runs" "$found"
    total=$((total + execs))
done
printf '%-10s %12d executions in %6d s (logs: %s)\n' total "$total" "$(($(date +%s) - start))" "$logs"
