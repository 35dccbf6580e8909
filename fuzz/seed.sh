#!/usr/bin/env bash
# Seeds the corpus of each fuzz target from the repository and the shared material
# (${LSMC_SHARED:-../../shared}):
#   corpus/parse      every .cf file of fixtures/, examples/, the module corpus (../corpus/modules,
#                     from scripts/fetch-corpus.sh) and shared/;
#   corpus/compile    every project folder with a main.cf among fixtures/, examples/ and
#                     shared/conformance: its main.cf, then a NUL and its inventory.json when it has
#                     one (the input format of the compile target);
#   corpus/inventory  every inventory (*.json under a folder or file named for one) of fixtures/,
#                     examples/ and shared/conformance.
# Every target's corpus also gets the inputs of regressions/<target>/ (inputs it once crashed on).
# The fixtures hold the syntax errors, which the other folders rarely have. Idempotent (one
# seed per file, named after its path, so that re-running overwrites instead of adding); works
# from any directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
shared="${LSMC_SHARED:-../../shared}"
mkdir -p corpus/parse corpus/compile corpus/inventory

# A seed's name: the folder's base name, then its path below it with / as _.
seed_name() { printf '%s_%s' "$(basename "$1")" "$(printf '%s' "${2#"$1"/}" | tr '/' '_')"; }

count=0
for dir in ../fixtures ../examples ../corpus/modules "$shared"; do
    [ -d "$dir" ] || { echo "seed: $dir is missing, skipped" >&2; continue; }
    while IFS= read -r -d '' file; do
        cp "$file" "corpus/parse/$(seed_name "$dir" "$file")"
        count=$((count + 1))
    done < <(find "$dir" -name '*.cf' -print0)
done
echo "seed: $count files in fuzz/corpus/parse"

count=0
for dir in ../fixtures ../examples "$shared/conformance"; do
    [ -d "$dir" ] || { echo "seed: $dir is missing, skipped" >&2; continue; }
    while IFS= read -r -d '' main; do
        project=$(dirname "$main")
        out="corpus/compile/$(seed_name "$dir" "$project")"
        if [ -f "$project/inventory.json" ]; then
            { cat "$main"; printf '\0'; cat "$project/inventory.json"; } > "$out"
        else
            cp "$main" "$out"
        fi
        count=$((count + 1))
    done < <(find "$dir" -name main.cf -print0)
done
echo "seed: $count files in fuzz/corpus/compile"

count=0
for dir in ../fixtures ../examples "$shared/conformance"; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' file; do
        cp "$file" "corpus/inventory/$(seed_name "$dir" "$file")"
        count=$((count + 1))
    done < <(find "$dir" -name '*.json' -path '*inventor*' -print0)
done
echo "seed: $count files in fuzz/corpus/inventory"

for target in parse compile inventory; do
    for file in regressions/"$target"/*; do
        [ -f "$file" ] && cp "$file" "corpus/$target/regression_$(basename "$file")"
    done
done
