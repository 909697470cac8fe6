#!/usr/bin/env bash
# The OpenAPI document and the client generated from it (needs `npm run build` first).
#   bash scripts/openapi.sh generate   rewrite openapi.json and clients/typescript/src/schema.ts
#   bash scripts/openapi.sh check      fail when either is stale, then lint the document
set -euo pipefail
cd "$(dirname "$0")/.."

export_document() { node dist/bootstrap/openapi/export-document.js "$1"; }
generate_types() { npx --no-install openapi-typescript "$1" --output "$2" --silent; }

case "${1:-check}" in
  generate)
    export_document openapi.json
    generate_types openapi.json clients/typescript/src/schema.ts
    ;;
  check)
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    export_document "$scratch/openapi.json"
    generate_types "$scratch/openapi.json" "$scratch/schema.ts"
    stale=0
    cmp -s "$scratch/openapi.json" openapi.json || { echo "openapi.json is stale" >&2; stale=1; }
    cmp -s "$scratch/schema.ts" clients/typescript/src/schema.ts || { echo "clients/typescript/src/schema.ts is stale" >&2; stale=1; }
    if [ "$stale" -ne 0 ]; then
      echo "run: npm run build && npm run openapi:generate, and commit the result" >&2
      exit 1
    fi
    npx --no-install spectral lint openapi.json --fail-severity=warn
    npx --no-install redocly lint openapi.json --max-problems 50
    npm run build --workspace clients/typescript
    ;;
  *)
    echo "usage: $0 generate|check" >&2
    exit 2
    ;;
esac
