#!/bin/sh
# Entry point of the helm-rel plugin. Finds rel: $REL_BIN, else the rel checkout this
# plugin folder belongs to (helm installs local plugins as a symlink), else `rel` on PATH.
set -e
if [ -z "${REL_BIN:-}" ]; then
  here=$(cd -P "$(dirname "$0")" && pwd)
  if [ -f "$here/../../bin/run.js" ] && [ -d "$here/../../dist" ]; then
    REL_BIN="$here/../../bin/run.js"
  elif command -v rel >/dev/null 2>&1; then
    REL_BIN=rel
  else
    echo "helm-rel: cannot find rel. Install it (npm install -g rel) or set REL_BIN to its path." >&2
    exit 1
  fi
fi
export REL_HELM_PLUGIN=1
exec "$REL_BIN" "$@"
