#!/usr/bin/env bash
# The route/description check must catch both kinds of disagreement: a route
# the description lacks, and an operation no function routes.
#   tests/contract/routes_check_test.sh SPEC_JSON ROUTES_DIR FUNCTIONS_CONF
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
spec=$1 routes=$2 functions=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { node "$here/routes_check.mjs" --spec "$1" --routes-dir "$2" --functions "$functions"; }

check "$spec" "$routes" >/dev/null || { echo "FAIL: the build's own tables and spec disagree" >&2; exit 1; }

cp -r "$routes" "$tmp/routes"
first=$(ls "$tmp/routes"/*.routes | head -1)
echo "GET /v1/not-described" >>"$first"
if check "$spec" "$tmp/routes" 2>"$tmp/err"; then echo "FAIL: an undescribed route passed" >&2; exit 1; fi
grep -q 'routed but not in openapi.yaml: GET /v1/not-described' "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }

node -e '
  const fs = require("fs");
  const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  s.paths["/v1/not-routed/{id}"] = { get: { responses: {} } };
  fs.writeFileSync(process.argv[2], JSON.stringify(s));' "$spec" "$tmp/spec.json"
if check "$tmp/spec.json" "$routes" 2>"$tmp/err"; then echo "FAIL: an unrouted operation passed" >&2; exit 1; fi
grep -q 'in openapi.yaml but not routed: GET /v1/not-routed/{id}' "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
echo "routes_check catches both kinds"
