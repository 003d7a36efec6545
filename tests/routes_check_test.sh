#!/usr/bin/env bash
# scripts/routes check fails on each kind of inconsistency between the
# functions' route tables and infra/functions.conf, and passes on a good set.
set -uo pipefail
routes=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

case_of() {  # case_of NAME EXPECTED_RC  (tables and functions.conf already in $tmp/NAME)
  local name=$1 expected=$2 rc
  "$routes" check --routes-dir "$tmp/$name" --functions "$tmp/$name/functions.conf" >"$tmp/$name.out" 2>&1
  rc=$?
  if ((rc != expected)); then
    echo "FAIL: $name: exit $rc, expected $expected"; cat "$tmp/$name.out"; failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}
setup() {  # setup NAME "fn procs" ... -- then tables via table NAME FN LINES
  local name=$1; shift
  mkdir -p "$tmp/$name"
  printf '%s\n' "$@" >"$tmp/$name/functions.conf"
}
table() { local name=$1 fn=$2; shift 2; printf '%s\n' "$@" >"$tmp/$name/$fn.routes"; }

setup good "a 1" "b 2" "bench 1 profile=bench"
table good a "GET /v1/things" "GET /v1/things/{id}"
table good b "POST /v1/things" "DELETE /v1/things/{id}"
table good bench "GET /v1/_noop"
case_of good 0

setup duplicate "a 1" "b 1"
table duplicate a "GET /v1/things"
table duplicate b "GET /v1/things"
case_of duplicate 1

setup unbuilt "a 1" "b 1"
table unbuilt a "GET /v1/things"
case_of unbuilt 1

setup unlisted "a 1"
table unlisted a "GET /v1/things"
table unlisted b "GET /v1/others"
case_of unlisted 1

setup param_names "a 1" "b 1"
table param_names a "GET /v1/things/{id}"
table param_names b "DELETE /v1/things/{thing}"
case_of param_names 1

setup bad_line "a 1"
table bad_line a "FETCH /v1/things"
case_of bad_line 1

setup bad_pattern "a 1"
table bad_pattern a "GET /things/../x"
case_of bad_pattern 1

# The nginx rendering of the good set: one location per path, HEAD with GET,
# the upstream chosen by method where two functions share a path.
out=$("$routes" nginx --routes-dir "$tmp/good" --functions "$tmp/good/functions.conf" --profile dev)
expect() { grep -qF -- "$1" <<<"$out" || { echo "FAIL: nginx output lacks: $1"; failures=$((failures + 1)); }; }
expect 'location = /v1/things {'
expect 'location ~ ^/v1/things/\d+$ {'
expect 'set $cinema_allow "GET, HEAD, POST";'
expect 'if ($request_method = POST) { set $cinema_fn fn_b; }'
expect 'if ($request_method = HEAD) { set $cinema_fn fn_a; }'
if grep -q _noop <<<"$out"; then echo "FAIL: the bench-only route is rendered outside the bench profile"; failures=$((failures + 1)); fi
"$routes" nginx --routes-dir "$tmp/good" --functions "$tmp/good/functions.conf" --profile bench | grep -q 'location = /v1/_noop' ||
  { echo "FAIL: the bench-only route is missing in the bench profile"; failures=$((failures + 1)); }

# --all-tables (an installed host: no functions.conf, the tables present are
# the functions): the same checks, and a table taken away takes its routes.
before=$failures
mkdir -p "$tmp/installed"
table installed a "GET /v1/things" "GET /v1/things/{id}"
table installed b "POST /v1/things" "DELETE /v1/things/{id}"
all_tables() { "$routes" "$1" --routes-dir "$tmp/installed" --all-tables; }
all_tables check >"$tmp/installed.out" 2>&1 ||
  { echo "FAIL: --all-tables: a good set fails the check"; cat "$tmp/installed.out"; failures=$((failures + 1)); }
out=$(all_tables nginx)
expect 'if ($request_method = POST) { set $cinema_fn fn_b; }'
rm "$tmp/installed/b.routes"
out=$(all_tables nginx)
expect 'fastcgi_pass fn_a;'
if grep -q fn_b <<<"$out"; then echo "FAIL: --all-tables: a removed table is still routed"; failures=$((failures + 1)); fi
table installed c "GET /v1/things"
if all_tables check >/dev/null 2>&1; then echo "FAIL: --all-tables: a duplicate route passes the check"; failures=$((failures + 1)); fi
((failures == before)) && echo "ok: all_tables"
# The Apache rendering: per path, one rule per function (HEAD with GET), then a
# 405 carrying the path's whole Allow list; --htaccess relative to the directory
# that holds bin/, with bin/ unreachable except through a route.
out=$("$routes" apache --routes-dir "$tmp/good" --functions "$tmp/good/functions.conf" --profile dev)
expect_apache() { grep -qxF -- "$1" <<<"$out" || { echo "FAIL: apache output lacks: $1"; failures=$((failures + 1)); }; }
expect_apache 'RewriteCond %{REQUEST_METHOD} ^(GET|HEAD)$'
expect_apache 'RewriteRule ^/v1/things$ ${CINEMA_BIN}/a [E=DOCUMENT_URI:$0,END]'
expect_apache 'RewriteRule ^/v1/things/\d+$ ${CINEMA_BIN}/b [E=DOCUMENT_URI:$0,END]'
expect_apache 'RewriteCond "GET, HEAD, POST" ^(.+)$'
expect_apache 'RewriteRule ^/v1/things/\d+$ - [E=CINEMA_ALLOW:%1,R=405,END]'
if grep -q _noop <<<"$out"; then echo "FAIL: the bench-only route is rendered for Apache outside the bench profile"; failures=$((failures + 1)); fi
# The POST rule of /v1/things comes after its GET rule and before its 405.
grep -A3 -xF 'RewriteRule ^/v1/things$ ${CINEMA_BIN}/a [E=DOCUMENT_URI:$0,END]' <<<"$out" |
  grep -qxF 'RewriteRule ^/v1/things$ ${CINEMA_BIN}/b [E=DOCUMENT_URI:$0,END]' ||
  { echo "FAIL: apache: the POST rule of /v1/things does not follow its GET rule"; failures=$((failures + 1)); }
out=$("$routes" apache --htaccess --routes-dir "$tmp/good" --functions "$tmp/good/functions.conf" --profile dev)
expect_apache 'RewriteRule ^v1/things/\d+$ bin/a [E=DOCUMENT_URI:/$0,E=CINEMA_ROUTED:1,L]'
expect_apache 'RewriteRule ^v1/things$ - [E=CINEMA_ALLOW:%1,R=405,L]'
expect_apache 'RewriteRule ^bin/ - [R=404,L]'
exit $((failures > 0))
