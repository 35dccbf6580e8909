#!/usr/bin/env bash
# Times the whole `lsmc compile` process (wall time, peak RSS with /usr/bin/time -v) on the
# generated models the reference compiler was measured on (../shared/oracle/gen_scaled.py), and,
# when the reference is set up (../shared/oracle/setup.sh), the reference on the same models in
# the same run, with the ratio.
#
#   scripts/bench.sh [N ...]      default N: 1000 10000 100000
#
# lsmc runs BENCH_RUNS times (default 5) per model: the table shows the fastest run (the others
# measure the machine's noise) and the largest peak RSS. The reference runs once.
#
# Environment: BENCH_KIND (lsm|pure, default lsm), BENCH_TYPES (default 10), BENCH_REFERENCE
# (0: do not run the reference even when it is set up; it takes minutes at N=10000 and is not run
# above N=10000), ORACLE_VENV (the reference's venv, as ../shared/oracle/run.sh reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${LSMC_SHARED:-$PWD/../shared}"
kind="${BENCH_KIND:-lsm}"
types="${BENCH_TYPES:-10}"
sizes="${*:-1000 10000 100000}"
venv="${ORACLE_VENV:-$HOME/.cache/inmanta-oracle}"
dir="target/bench-models"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -f "$shared/oracle/gen_scaled.py" ] || { echo "needs $shared/oracle/gen_scaled.py" >&2; exit 2; }
cargo build --release -j2 --quiet
mkdir -p "$dir"

reference=0
if [ "${BENCH_REFERENCE:-1}" != 0 ] && [ -x "$venv/bin/inmanta" ]; then reference=1; fi

seconds() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
mib() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }

if [ "$reference" = 1 ]; then
  echo "| kind | N | lsmc wall s | lsmc peak RSS MiB | reference wall s | reference peak RSS MiB | speed-up |"
  echo "|---|---|---|---|---|---|---|"
else
  echo "| kind | N | lsmc wall s | lsmc peak RSS MiB |"
  echo "|---|---|---|---|"
fi
for n in $sizes; do
  model="$dir/${kind}_${types}_${n}"
  [ -f "$model/main.cf" ] || python3 "$shared/oracle/gen_scaled.py" "$model" --kind "$kind" --types "$types" --instances "$n" >/dev/null
  inventory=()
  [ -f "$model/inventory.json" ] && inventory=(--inventory "$model/inventory.json")
  # The generated models break lsm rules the reference does not check (a service's relation to
  # a plain entity): compile them as the reference does.
  wall=""; rss=0
  for _ in $(seq "${BENCH_RUNS:-5}"); do
    /usr/bin/time -v -o "$model.lsmc.time" target/release/lsmc compile "$model" "${inventory[@]}" --no-lsm-checks >"$model.lsmc.log" 2>&1 \
      || { echo "lsmc failed on $model (see $model.lsmc.log)" >&2; exit 1; }
    run_wall=$(seconds "$model.lsmc.time"); run_rss=$(mib "$model.lsmc.time")
    wall=$(awk -v a="$wall" -v b="$run_wall" 'BEGIN { print (a == "" || b < a) ? b : a }')
    rss=$(awk -v a="$rss" -v b="$run_rss" 'BEGIN { print (b > a) ? b : a }')
  done
  if [ "$reference" = 1 ] && [ "$n" -le 10000 ]; then
    ORACLE_MODE=compile ORACLE_QUIET=1 /usr/bin/time -v -o "$model.ref.time" "$shared/oracle/run.sh" "$model" >"$model.ref.log" 2>&1 || true
    rwall=$(seconds "$model.ref.time"); rrss=$(mib "$model.ref.time")
    ratio=$(awk -v a="$rwall" -v b="$wall" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "-" }')
    echo "| $kind | $n | $wall | $rss | $rwall | $rrss | $ratio |"
  elif [ "$reference" = 1 ]; then
    echo "| $kind | $n | $wall | $rss | - | - | - |"
  else
    echo "| $kind | $n | $wall | $rss |"
  fi
done
