#!/usr/bin/env bash
# The booking verbs have one home: no code but the booking store's MariaDB
# side (common/adapters/src/mariadb_booking_store.cpp) and the hold procedure
# (common/adapters/sql/) writes show_seats, holds, reservations or
# reservation_seats. Unit tests (*_test.cpp) and the in-memory fake are left
# out.
#   tests/booking_writes_check.sh ROOT            checks ROOT/common and ROOT/functions
#   tests/booking_writes_check.sh --self-test     proves the check catches a write
set -euo pipefail

check() {
  local root=$1 found
  found=$(grep -rnE --include='*.cpp' --include='*.h' \
    "(UPDATE|INSERT( IGNORE)? INTO|DELETE FROM|REPLACE INTO)[[:space:]]+(show_seats|holds|reservations|reservation_seats)\b" \
    "$root/common" "$root/functions" |
    grep -vE '(_test\.cpp|/common/adapters/src/mariadb_booking_store\.cpp|/common/testing/):' || true)
  if [[ -n $found ]]; then
    echo "booking tables written outside the booking store (use the verbs of cinema/booking_verbs.h):" >&2
    printf '%s\n' "$found" >&2
    return 1
  fi
}

if [[ ${1:-} == --self-test ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/common/adapters/src" "$tmp/functions/hold"
  echo 's.exec("UPDATE show_seats SET status = 1");' >"$tmp/common/adapters/src/mariadb_booking_store.cpp"
  echo 's.exec("DELETE FROM holds WHERE id = ?", id);' >"$tmp/functions/hold/hold_test.cpp"
  check "$tmp" || { echo "self-test: the store and unit tests must be allowed" >&2; exit 1; }
  echo '  "INSERT INTO reservations (show_id) VALUES (?)",' >"$tmp/functions/hold/hold.cpp"
  if check "$tmp" 2>/dev/null; then echo "self-test: a handler's write was not caught" >&2; exit 1; fi
  echo "booking_writes_check: self-test passed"
  exit 0
fi
check "${1:?usage: booking_writes_check.sh ROOT | --self-test}"
echo "booking_writes_check: only the booking store writes the booking tables"
