#!/usr/bin/env bash
# Sets up what the tests need on a fresh machine, then runs them all.
# Needs: the Rust toolchain (cargo), python3 with pip, and access to crates.io and PyPI the first
# time (later runs reuse corpus/).
set -euo pipefail
cd "$(dirname "$0")/.."
# The public module packages whose models the corpus test parses.
scripts/fetch-corpus.sh
# v2 modules some models import (fs, mitogen): their models only, found through LSMC_PYTHON_PATH.
if [ ! -d corpus/site/inmanta_plugins/mitogen ]; then
  python3 -m pip install -q --no-deps --target corpus/site \
    inmanta-module-fs==1.1.2 inmanta-module-mitogen==0.2.5
fi
export LSMC_PYTHON_PATH="$PWD/corpus/site"
cargo test -j2 --locked "$@"
