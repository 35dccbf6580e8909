#!/usr/bin/env bash
# Seeds fuzz/corpus/parse/ with every .cf file of the repository's fixtures and examples, of the
# module corpus (../corpus/modules, from scripts/fetch-corpus.sh) and of shared/
# (${LSMC_SHARED:-../../shared}). The fixtures hold the syntax errors, which the other folders
# rarely have. Idempotent; works from any directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
shared="${LSMC_SHARED:-../../shared}"
mkdir -p corpus/parse
count=0
for dir in ../fixtures ../examples ../corpus/modules "$shared"; do
    [ -d "$dir" ] || { echo "seed: $dir is missing, skipped" >&2; continue; }
    while IFS= read -r -d '' file; do
        # One seed per file, named after its path so that re-running overwrites instead of adding.
        name=$(printf '%s' "${file#"$dir"/}" | tr '/' '_')
        cp "$file" "corpus/parse/$(basename "$dir")_$name"
        count=$((count + 1))
    done < <(find "$dir" -name '*.cf' -print0)
done
echo "seed: $count files in fuzz/corpus/parse"
