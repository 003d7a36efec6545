#!/usr/bin/env bash
# The contract check must pass answers the description documents and catch
# each kind of drift: an undocumented member, a missing required member, a
# wrong type, an undocumented problem type, an undocumented status or media type, a problem that is not a
# Problem, a 2xx from an undocumented route; transport failures and paths
# outside the API are not held to it.
#   tests/contract/validate_test.sh SPEC_JSON
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
spec=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
line() { # method path status content_type body
  node -e 'const [m, p, s, t, b] = process.argv.slice(1);
    console.log(JSON.stringify({method: m, path: p, status: Number(s), content_type: t, content_encoding: "", body: b}))' "$@"
}
me='{"id":1,"email":"a@example.com","role":"CUSTOMER","display_name":null}'
problem='{"type":"/problems/not-found","title":"Not found","status":404,"detail":"No such show","request_id":"ab12"}'
{
  line GET /v1/me 200 application/json "$me"
  line GET '/v1/shows/7?x=1' 404 'application/problem+json' "$problem"
  line HEAD /v1/cinemas 200 application/json ''
  line GET /metrics 200 'text/plain; version=0.0.4' $'cinema_up 1\n'
  line POST /v1/shows/7/hold 0 '' ''
  line GET /site.css 200 text/css 'body{}'
  line DELETE /v1/me 405 application/problem+json '{"type":"/problems/method-not-allowed","title":"Method not allowed","status":405}'
} >"$tmp/good.jsonl"
node "$here/validate.mjs" --spec "$spec" --log "$tmp/good.jsonl" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; echo "FAIL: documented answers were refused" >&2; exit 1; }

expect() { # description, jsonl line, text the report must contain
  line "${@:2:5}" >"$tmp/bad.jsonl"
  if node "$here/validate.mjs" --spec "$spec" --log "$tmp/bad.jsonl" >"$tmp/out" 2>&1; then
    echo "FAIL: $1 passed" >&2; exit 1
  fi
  grep -qF -- "$7" "$tmp/out" || { cat "$tmp/out" >&2; echo "FAIL: $1: no '$7' in the report" >&2; exit 1; }
}
expect 'an undocumented member' GET /v1/me 200 application/json \
  '{"id":1,"email":"a@example.com","role":"CUSTOMER","display_name":null,"secret":1}' "additional properties 'secret'"
expect 'a missing member' GET /v1/me 200 application/json '{"id":1,"email":"a@example.com","role":"CUSTOMER"}' \
  "required property 'display_name'"
expect 'a wrong type' GET /v1/me 200 application/json '{"id":"1","email":"a@example.com","role":"CUSTOMER","display_name":null}' \
  '/id must be integer'
expect 'an undocumented status' GET /v1/me 418 application/problem+json "$problem" 'status not documented'
expect 'an undocumented media type' GET /v1/me 200 text/html '<p>' 'media type text/html not documented'
expect 'a problem without its members' GET /v1/shows/7 404 application/problem+json '{"detail":"x"}' \
  "required property 'type'"
expect 'an undocumented problem type' GET /v1/shows/7 404 application/problem+json \
  '{"type":"/problems/made-up","title":"Made up","status":404}' '/type must be equal to one of the allowed values'
expect 'a 2xx from an undocumented route' GET /v1/nowhere 200 application/json '{}' 'undocumented route'
expect 'a 500' GET /v1/me 500 application/problem+json \
  '{"type":"about:blank","title":"Internal Server Error","status":500}' 'status not documented'
echo "validate.mjs passes documented answers and catches each kind of drift"
