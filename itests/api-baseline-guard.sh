#!/usr/bin/env bash
# Proves that the build's API baseline check bites: a copy of kapi-api with one exported method
# removed (an incompatible change) and no major version bump must fail the build (`verify`, which `install` runs first), with bnd's
# baseline report naming the package. Runs after the reactor has installed the parent pom.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundles"
cp -r bundles/kapi-api "$work/bundles/kapi-api"
rm -rf "$work/bundles/kapi-api/target"
cp pom.xml "$work/pom.xml"
ln -s "$root/baseline" "$work/baseline"
json="$work/bundles/kapi-api/src/main/java/io/kapi/api/json/Json.java"
# drop Json.labels(ObjectNode), a method group bundles may call
python3 - "$json" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r'\n    /\*\* \{@code metadata.labels\}. \*/\n    public static Map<String, String> labels\(ObjectNode object\) \{\n.*?\n    \}\n', '\n', s, flags=re.S)
assert s2 != s, "the method to remove was not found"
open(p, 'w').write(s2)
PY
set +e
out=$(mvn -B -q ${MVN_OFFLINE:-} -f "$work/bundles/kapi-api/pom.xml" verify -DskipTests 2>&1)
code=$?
set -e
if [ $code -eq 0 ]; then
  echo "api-baseline-guard: FAILED: an incompatible change to io.kapi.api.json built without a major version bump" >&2
  exit 1
fi
if ! grep -q "io.kapi.api.json" <<<"$out" || ! grep -qi "baseline" <<<"$out"; then
  echo "api-baseline-guard: FAILED: the build failed, but not on the baseline check:" >&2
  echo "$out" | tail -40 >&2
  exit 1
fi
grep -i -m3 "io.kapi.api.json\|baseline" <<<"$out" || true
echo "api-baseline-guard: ok (removing Json.labels without a major bump fails the build on the baseline check)"
