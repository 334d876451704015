#!/usr/bin/env bash
# Build the VS Code extension into a .vsix with @vscode/vsce (from the npm registry, pinned in
# package.json and package-lock.json), after running the grammar's scope tests (tests/*.rules,
# vscode-tmgrammar-test), so a .vsix with a broken grammar is never built.
#
#   editors/vscode/build.sh [OUT.vsix]      default: editors/vscode/rulecheck-VERSION.vsix
#   editors/vscode/build.sh --test          the grammar tests only
#
# node_modules/ stays in editors/vscode (git-ignored) between runs, so a second build installs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-}
if [ -n "$out" ] && [ "$out" != "--test" ]; then
    mkdir -p "$(dirname "$out")"
    out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")  # vsce runs in editors/vscode
fi
cd "$here"

npm install --prefer-offline --no-audit --no-fund --loglevel=error
npm test --silent
[ "$out" = "--test" ] && exit 0

# the extension ships the project's licence (vsce asks for one); the copy is git-ignored
cp ../../LICENSE LICENSE
if [ -n "$out" ]; then
    npx vsce package --allow-missing-repository --out "$out"
else
    npx vsce package --allow-missing-repository
fi
