#!/usr/bin/env bash
# Downloads public Inmanta module packages from PyPI and extracts their `.cf` models into
# corpus/modules/<name>/model/, as a corpus of real-world models for tests/corpus.rs, the fuzzer
# and the benchmarks. Idempotent: a wheel already downloaded or a model already extracted is kept.
# Works from any directory. `corpus/` is in .gitignore.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODULES=(std fs files mitogen exec podman openstack apt config ssh)

mkdir -p corpus/wheels corpus/modules

for name in "${MODULES[@]}"; do
    if [ -d "corpus/modules/$name/model" ]; then
        echo "fetch-corpus: $name: already extracted"
        continue
    fi
    wheel=$(ls corpus/wheels/inmanta_module_"${name}"-*.whl 2>/dev/null | head -n 1 || true)
    if [ -z "$wheel" ]; then
        echo "fetch-corpus: $name: downloading inmanta-module-$name"
        python3 -m pip download --no-deps -q -d corpus/wheels "inmanta-module-$name"
        wheel=$(ls corpus/wheels/inmanta_module_"${name}"-*.whl 2>/dev/null | head -n 1 || true)
        if [ -z "$wheel" ]; then
            echo "fetch-corpus: $name: no wheel found after download" >&2
            exit 1
        fi
    fi
    echo "fetch-corpus: $name: extracting $(basename "$wheel")"
    python3 - "$wheel" "$name" <<'EOF'
import os
import shutil
import sys
import zipfile

wheel, name = sys.argv[1], sys.argv[2]
prefix = f"inmanta_plugins/{name}/model/"
dest_root = os.path.join("corpus", "modules", name, "model")
tmp_root = dest_root + ".partial"
shutil.rmtree(tmp_root, ignore_errors=True)
count = 0
with zipfile.ZipFile(wheel) as archive:
    for member in archive.namelist():
        if not member.startswith(prefix) or member.endswith("/"):
            continue
        relative = member[len(prefix):]
        # Refuse paths that would leave the destination.
        if os.path.isabs(relative) or ".." in relative.split("/"):
            continue
        target = os.path.join(tmp_root, *relative.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(member) as src, open(target, "wb") as dst:
            dst.write(src.read())
        count += 1
if count == 0:
    sys.exit(f"fetch-corpus: {name}: {wheel} has no {prefix}")
# Rename at the end so that an interrupted run leaves no half-extracted model behind.
os.rename(tmp_root, dest_root)
print(f"fetch-corpus: {name}: {count} files")
EOF
done

echo "fetch-corpus: $(find corpus/modules -name '*.cf' | wc -l) .cf files under corpus/modules"
