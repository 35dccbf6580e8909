#!/usr/bin/env bash
# Sets up what the tests need on a fresh machine, then runs them all.
# Needs: the Rust toolchain (cargo), python3 with pip, and access to crates.io and PyPI the first
# time (later runs reuse corpus/). Graphviz is installed when missing and apt-get can (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# Graphviz: the lifecycle tests render DOT to SVG with it when it is there.
# Neovim: the editor test (tests/neovim.rs) drives it headless against `lsmc lsp`.
need_dot=$(command -v dot >/dev/null 2>&1 || echo 1)
need_nvim=$(command -v nvim >/dev/null 2>&1 || echo 1)
if [ -n "$need_dot$need_nvim" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq || true
  if [ -n "$need_dot" ]; then
    apt-get install -y -qq graphviz >/dev/null || echo "test.sh: graphviz not installed; SVG checks skip"
  fi
  if [ -n "$need_nvim" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim >/dev/null ||
      echo "test.sh: neovim not installed; the editor test skips (and fails under CI=true)"
  fi
fi
# The public module packages whose models the corpus tests parse and resolve.
scripts/fetch-corpus.sh
# v2 modules some models import (fs, mitogen): their models only, found through LSMC_PYTHON_PATH.
if [ ! -d corpus/site/inmanta_plugins/mitogen ] || [ ! -d corpus/site/inmanta_plugins/fs ]; then
  python3 -m pip install -q --no-deps --target corpus/site \
    inmanta-module-fs==1.1.2 inmanta-module-mitogen==0.2.5
fi
# The environment the Python plugin tests run plugins in: inmanta-core and std, at the
# reference's versions, and jsonschema, which judges the exported schemas (kept in target/, so
# later runs reuse it).
venv=target/python-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import inmanta.plugins, jsonschema" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q -r scripts/python-plugins.lock
fi
export LSMC_PYTHON_PATH="$PWD/corpus/site"
cargo test -j2 --locked "$@"
