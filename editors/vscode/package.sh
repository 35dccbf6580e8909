#!/usr/bin/env bash
# Packages the extension into editors/vscode/lsmc-<version>.vsix, to install with
# `code --install-extension lsmc-<version>.vsix`. Needs node and npm (and the npm registry the
# first time). The extension runs the `lsmc` it finds on PATH, or the `lsmc.path` setting.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --omit=dev
else
  npm install --no-audit --no-fund --omit=dev
fi
# The repository's licence and address are the project's, not the folder's: vsce is told so
# rather than asked interactively.
# vsce 3: version 4 needs node 22.
npx --yes @vscode/vsce@3 package --skip-license --allow-missing-repository "$@"
