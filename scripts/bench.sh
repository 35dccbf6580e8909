#!/usr/bin/env bash
# Times the whole `lsmc compile` process (wall time, peak RSS with /usr/bin/time -v) on two
# kinds of models, and, when the reference is set up (../shared/oracle/setup.sh), the reference on
# the same models in the same run, with the ratio:
# - the generated models the reference compiler was measured on (../shared/oracle/gen_scaled.py),
#   at the N of the command line;
# - the realistic model (benches/realistic/gen.py: sites and L3 VPNs with embedded entities, an
#   inter-service relation, two versions, about 20 template-rendered resources per service), in
#   a second table, at the N of BENCH_REALISTIC.
#
#   scripts/bench.sh [N ...]      default N: 1000 10000 100000
#
# lsmc runs BENCH_RUNS times (default 10) per model, in rounds that run every model once, so that
# a slow spell of the machine falls on every size alike: the tables show the fastest run (the
# others measure the machine's noise, and the slowest one is shown too), the largest peak RSS, and
# the growth of the fastest time from the previous N of the table. The reference runs once.
#
# Environment: BENCH_KIND (lsm|pure, default lsm), BENCH_TYPES (default 10), BENCH_REALISTIC (the
# realistic model's N, default "1000 10000"; empty: no second table), BENCH_REFERENCE (0: do not
# run the reference even when it is set up; it takes minutes at N=10000 and is not run above
# N=10000 on the generated models, above N=1000 on the realistic one), ORACLE_VENV (the
# reference's venv, as ../shared/oracle/run.sh reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${LSMC_SHARED:-$PWD/../shared}"
kind="${BENCH_KIND:-lsm}"
types="${BENCH_TYPES:-10}"
sizes="${*:-1000 10000 100000}"
realistic_sizes="${BENCH_REALISTIC-1000 10000}"
venv="${ORACLE_VENV:-$HOME/.cache/inmanta-oracle}"
dir="target/bench-models"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -f "$shared/oracle/gen_scaled.py" ] || { echo "needs $shared/oracle/gen_scaled.py" >&2; exit 2; }
cargo build --release -j2 --quiet
mkdir -p "$dir"

reference=0
if [ "${BENCH_REFERENCE:-1}" != 0 ] && [ -x "$venv/bin/inmanta" ]; then reference=1; fi

mib() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }
seconds() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }

generated=()
for n in $sizes; do
  model="$dir/${kind}_${types}_${n}"
  [ -f "$model/main.cf" ] || python3 "$shared/oracle/gen_scaled.py" "$model" --kind "$kind" --types "$types" --instances "$n" >/dev/null
  generated+=("$model")
done
realistic=()
for n in $realistic_sizes; do
  model="$dir/realistic_${n}"
  # Regenerated every run: the generator may have changed since the last one.
  rm -rf "$model" && python3 benches/realistic/gen.py "$model" --services "$n"
  realistic+=("$model")
done

declare -A best worst peak
for _ in $(seq "${BENCH_RUNS:-10}"); do
  for model in "${generated[@]}" "${realistic[@]}"; do
    inventory=()
    [ -f "$model/inventory.json" ] && inventory=(--inventory "$model/inventory.json")
    start=$(date +%s%N)
    /usr/bin/time -v -o "$model.lsmc.time" target/release/lsmc compile "$model" "${inventory[@]}" >"$model.lsmc.log" 2>&1 \
      || { echo "lsmc failed on $model (see $model.lsmc.log)" >&2; exit 1; }
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ -z "${best[$model]:-}" ] || [ "$ms" -lt "${best[$model]}" ]; then best[$model]=$ms; fi
    if [ -z "${worst[$model]:-}" ] || [ "$ms" -gt "${worst[$model]}" ]; then worst[$model]=$ms; fi
    peak[$model]=$(awk -v a="${peak[$model]:-0}" -v b="$(mib "$model.lsmc.time")" 'BEGIN { print (b > a) ? b : a }')
  done
done

# table LABEL REFERENCE_MAX_N N... : one table, the reference run on the models up to its N.
table() {
  local label=$1 max=$2 previous="" n model wall slowest rss growth rwall rrss ratio
  shift 2
  if [ "$reference" = 1 ]; then
    echo "| kind | N | lsmc wall s | slowest run s | lsmc peak RSS MiB | growth | reference wall s | reference peak RSS MiB | speed-up |"
    echo "|---|---|---|---|---|---|---|---|---|"
  else
    echo "| kind | N | lsmc wall s | slowest run s | lsmc peak RSS MiB | growth |"
    echo "|---|---|---|---|---|---|"
  fi
  for model in "$@"; do
    n=${model##*_}
    wall=$(awk -v ms="${best[$model]}" 'BEGIN { printf "%.3f", ms / 1000 }')
    slowest=$(awk -v ms="${worst[$model]}" 'BEGIN { printf "%.3f", ms / 1000 }')
    rss=${peak[$model]}
    growth="-"
    if [ -n "$previous" ]; then
      growth=$(awk -v a="${best[$model]}" -v b="${best[$previous]}" -v n="$n" -v p="${previous##*_}" \
        'BEGIN { if (b > 0) printf "%.1fx for %gx N", a / b, n / p; else print "-" }')
    fi
    previous=$model
    if [ "$reference" = 1 ] && [ "$n" -le "$max" ]; then
      ORACLE_MODE=compile ORACLE_QUIET=1 /usr/bin/time -v -o "$model.ref.time" "$shared/oracle/run.sh" "$model" >"$model.ref.log" 2>&1 || true
      rwall=$(seconds "$model.ref.time"); rrss=$(mib "$model.ref.time")
      ratio=$(awk -v a="$rwall" -v b="$wall" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "-" }')
      echo "| $label | $n | $wall | $slowest | $rss | $growth | $rwall | $rrss | $ratio |"
    elif [ "$reference" = 1 ]; then
      echo "| $label | $n | $wall | $slowest | $rss | $growth | - | - | - |"
    else
      echo "| $label | $n | $wall | $slowest | $rss | $growth |"
    fi
  done
}

table "$kind" 10000 "${generated[@]}"
if [ "${#realistic[@]}" -gt 0 ]; then
  echo
  table realistic 1000 "${realistic[@]}"
fi
