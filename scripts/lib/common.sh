# shellcheck shell=bash disable=SC2034  # variables are used by the scripts that source this
# Shared by scripts/stack, migrate, seed, bench, run, test-integration.
# Resolves the profile (dev | test | bench | chaos), its run directory and ports, loads
# secrets, and exports every CINEMA_* variable the C++ functions read.
#
# Precedence for each variable: process environment > repo-root .env > profile
# default (or, for secrets, <rundir>/secrets.env, generated on first use).
# A few test/bench values are forced because the suites rely on them.

CINEMA_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Every variable `stack env` prints, i.e. the profile's whole configuration.
CINEMA_VARS=(
  CINEMA_PROFILE CINEMA_RUN_DIR CINEMA_HTTP_PORT CINEMA_BASE_URL
  CINEMA_DB_HOST CINEMA_DB_PORT CINEMA_DB_SOCKET CINEMA_DB_USER CINEMA_DB_PASSWORD CINEMA_DB_NAME
  CINEMA_REDIS_HOST CINEMA_REDIS_PORT CINEMA_REDIS_SOCKET CINEMA_REDIS_PASSWORD
  CINEMA_AMQP_HOST CINEMA_AMQP_PORT CINEMA_AMQP_DIST_PORT CINEMA_AMQP_NODE
  CINEMA_AMQP_USER CINEMA_AMQP_PASSWORD CINEMA_AMQP_VHOST CINEMA_AMQP_EXCHANGE
  CINEMA_JWT_SECRET CINEMA_JWT_ISSUER CINEMA_JWT_AUDIENCE CINEMA_TICKET_SECRET
  CINEMA_ACCESS_TTL_SECONDS CINEMA_REFRESH_TTL_SECONDS
  CINEMA_LOGIN_BURST CINEMA_LOGIN_REFILL_PER_MINUTE
  CINEMA_REGISTER_BURST CINEMA_REGISTER_REFILL_PER_MINUTE
  CINEMA_ARGON2_OPSLIMIT CINEMA_ARGON2_MEMLIMIT_KIB CINEMA_MAX_BODY_BYTES
  CINEMA_LOG_LEVEL CINEMA_HOLD_TTL_SECONDS
  CINEMA_WORKER_INTERVAL_SECONDS CINEMA_WORKER_LOCK_FILE CINEMA_LIVE_PUBLISH_SOCKET
  CINEMA_ALLOWED_ORIGINS CINEMA_LIVE_CONNECTIONS_PER_ADDRESS CINEMA_METRICS_ALLOW
  CINEMA_PUBLIC_URL CINEMA_OIDC_PROVIDERS CINEMA_OIDC_REDIRECTS
  CINEMA_OIDC_DEMO CINEMA_OIDC_DEMO_PORT CINEMA_OIDC_DEMO_CLIENT_ID
)
# The subset handed to the function processes (supervisord's environment).
CINEMA_FUNCTION_VARS=(
  CINEMA_PROFILE
  CINEMA_DB_HOST CINEMA_DB_PORT CINEMA_DB_SOCKET CINEMA_DB_USER CINEMA_DB_PASSWORD CINEMA_DB_NAME
  CINEMA_REDIS_HOST CINEMA_REDIS_PORT CINEMA_REDIS_SOCKET CINEMA_REDIS_PASSWORD
  CINEMA_AMQP_HOST CINEMA_AMQP_PORT CINEMA_AMQP_USER CINEMA_AMQP_PASSWORD
  CINEMA_AMQP_VHOST CINEMA_AMQP_EXCHANGE
  CINEMA_JWT_SECRET CINEMA_JWT_ISSUER CINEMA_JWT_AUDIENCE CINEMA_TICKET_SECRET
  CINEMA_ACCESS_TTL_SECONDS CINEMA_REFRESH_TTL_SECONDS
  CINEMA_LOGIN_BURST CINEMA_LOGIN_REFILL_PER_MINUTE
  CINEMA_REGISTER_BURST CINEMA_REGISTER_REFILL_PER_MINUTE
  CINEMA_ARGON2_OPSLIMIT CINEMA_ARGON2_MEMLIMIT_KIB CINEMA_MAX_BODY_BYTES
  CINEMA_LOG_LEVEL CINEMA_HOLD_TTL_SECONDS
  CINEMA_WORKER_INTERVAL_SECONDS CINEMA_WORKER_LOCK_FILE CINEMA_LIVE_PUBLISH_SOCKET
  CINEMA_METRICS_ALLOW
  CINEMA_PUBLIC_URL CINEMA_OIDC_PROVIDERS CINEMA_OIDC_REDIRECTS
)
# (CINEMA_OIDC_<ID>_CLIENT_SECRET, the demo provider's among them, reach the
# functions as extra variables.)
CINEMA_SECRET_VARS=(CINEMA_DB_PASSWORD CINEMA_AMQP_PASSWORD CINEMA_JWT_SECRET CINEMA_TICKET_SECRET
  CINEMA_OIDC_DEMO_CLIENT_SECRET)
# Settings of the tooling itself, never handed to the functions.
CINEMA_TOOL_VARS_RE='^CINEMA_(RUN_DIR|HTTP_PORT|BASE_URL|AMQP_DIST_PORT|AMQP_NODE|BIN_DIR|ROUTES_DIR|DB_BUFFER_POOL|DB_FLUSH_LOG_AT_TRX_COMMIT|DB_SYNC_BINLOG|STACK_CTL|HEALTH_TIMEOUT|START_TIMEOUT|MIGRATIONS_DIR|DEPLOY_CTL|COMPAT_.*|DEMO_.*|OIDC_DEMO|OIDC_DEMO_(PORT|CLIENT_ID|TEST_MODE)|BENCH_.*|APACHE_.*|CONTRACT|CONTRACT_LOG)$'

# Other CINEMA_* variables set in the environment or .env (settings the C++
# side reads that the tooling has no default for, e.g. CINEMA_PRICE_VIP_PERCENT).
cinema_extra_vars() {
  local v known=" ${CINEMA_VARS[*]} "
  for v in $(compgen -e); do
    [[ $v == CINEMA_* && $known != *" $v "* && ! $v =~ $CINEMA_TOOL_VARS_RE ]] && printf '%s\n' "$v"
  done
  return 0
}

log()  { printf '[%s] %s\n' "${CINEMA_PROFILE:-cinema}" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "${CINEMA_PROFILE:-cinema}" "$*" >&2; }
die()  { printf '[%s] error: %s\n' "${CINEMA_PROFILE:-cinema}" "$*" >&2; exit 1; }

# load_env_file FILE: KEY=VALUE lines (optionally "export KEY=VALUE", shell
# quoting allowed); a key already set in the environment is left alone.
load_env_file() {
  local file=$1 line name
  [[ -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z $line || $line == \#* ]] && continue
    line="${line#export }"
    name="${line%%=*}"
    [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ && $line == *=* ]] || { warn "$file: ignoring line: $line"; continue; }
    [[ -n ${!name+x} ]] && continue
    eval "export $line"
  done <"$file"
}

random_secret() { # random_secret LENGTH -> [A-Za-z0-9]{LENGTH}
  local out=""
  while ((${#out} < $1)); do
    out+="$(head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${out:0:$1}"
}

# cinema_profile [PROFILE]: resolve and export the whole profile environment.
cinema_profile() {
  local profile=${1:-${CINEMA_PROFILE:-dev}} v
  case $profile in dev|test|bench|chaos) ;; *) die "unknown profile '$profile' (dev, test, bench or chaos)";; esac

  # Variables exported by `eval "$(stack --profile X env)"` belong to profile X;
  # do not let them leak into another profile (ports and passwords would clash).
  if [[ -n ${CINEMA_PROFILE:-} && $CINEMA_PROFILE != "$profile" ]]; then
    for v in "${CINEMA_VARS[@]}"; do unset "$v"; done
  fi
  export CINEMA_PROFILE=$profile

  load_env_file "$CINEMA_REPO/.env"

  local http db redis amqp dist oidc
  case $profile in
    dev)   http=8080  db=3307  redis=6380  amqp=5673  dist=25673 oidc=8090 ;;
    test)  http=18080 db=13307 redis=16380 amqp=15673 dist=25683 oidc=18090 ;;
    bench) http=28080 db=23307 redis=26380 amqp=25674 dist=25693 oidc=28090 ;;
    chaos) http=17080 db=17307 redis=17380 amqp=17672 dist=17673 oidc=17090 ;;
  esac
  export CINEMA_RUN_DIR=${CINEMA_RUN_DIR:-$CINEMA_REPO/.run/$profile}
  export CINEMA_HTTP_PORT=${CINEMA_HTTP_PORT:-$http}
  export CINEMA_BASE_URL=${CINEMA_BASE_URL:-http://127.0.0.1:$CINEMA_HTTP_PORT}
  export CINEMA_DB_HOST=${CINEMA_DB_HOST:-127.0.0.1}
  export CINEMA_DB_PORT=${CINEMA_DB_PORT:-$db}
  export CINEMA_DB_USER=${CINEMA_DB_USER:-cinema}
  export CINEMA_DB_NAME=${CINEMA_DB_NAME:-cinema}
  export CINEMA_REDIS_HOST=${CINEMA_REDIS_HOST:-127.0.0.1}
  export CINEMA_REDIS_PORT=${CINEMA_REDIS_PORT:-$redis}
  export CINEMA_REDIS_PASSWORD=${CINEMA_REDIS_PASSWORD:-}
  export CINEMA_AMQP_HOST=${CINEMA_AMQP_HOST:-127.0.0.1}
  export CINEMA_AMQP_PORT=${CINEMA_AMQP_PORT:-$amqp}
  export CINEMA_AMQP_DIST_PORT=${CINEMA_AMQP_DIST_PORT:-$dist}
  export CINEMA_AMQP_NODE=${CINEMA_AMQP_NODE:-cinema-$profile@localhost}
  export CINEMA_AMQP_USER=${CINEMA_AMQP_USER:-cinema}
  export CINEMA_AMQP_VHOST=${CINEMA_AMQP_VHOST:-/}
  export CINEMA_AMQP_EXCHANGE=${CINEMA_AMQP_EXCHANGE:-cinema.events}
  export CINEMA_JWT_ISSUER=${CINEMA_JWT_ISSUER:-cinema}
  export CINEMA_JWT_AUDIENCE=${CINEMA_JWT_AUDIENCE:-cinema-api}
  export CINEMA_ACCESS_TTL_SECONDS=${CINEMA_ACCESS_TTL_SECONDS:-900}
  export CINEMA_REFRESH_TTL_SECONDS=${CINEMA_REFRESH_TTL_SECONDS:-604800}
  export CINEMA_LOGIN_BURST=${CINEMA_LOGIN_BURST:-10}
  export CINEMA_LOGIN_REFILL_PER_MINUTE=${CINEMA_LOGIN_REFILL_PER_MINUTE:-10}
  export CINEMA_REGISTER_BURST=${CINEMA_REGISTER_BURST:-20}
  export CINEMA_REGISTER_REFILL_PER_MINUTE=${CINEMA_REGISTER_REFILL_PER_MINUTE:-20}
  export CINEMA_ARGON2_OPSLIMIT=${CINEMA_ARGON2_OPSLIMIT:-2}
  export CINEMA_ARGON2_MEMLIMIT_KIB=${CINEMA_ARGON2_MEMLIMIT_KIB:-19456}
  export CINEMA_MAX_BODY_BYTES=${CINEMA_MAX_BODY_BYTES:-65536}
  export CINEMA_LOG_LEVEL=${CINEMA_LOG_LEVEL:-info}
  export CINEMA_HOLD_TTL_SECONDS=${CINEMA_HOLD_TTL_SECONDS:-600}
  # The local stand-in for cron (scripts/worker-scheduler); 0 disables it.
  export CINEMA_WORKER_INTERVAL_SECONDS=${CINEMA_WORKER_INTERVAL_SECONDS:-2}
  # nginx: web page origins allowed to use live events besides the site itself
  # (space or comma separated), and live connections per client address.
  export CINEMA_ALLOWED_ORIGINS=${CINEMA_ALLOWED_ORIGINS:-}
  export CINEMA_LIVE_CONNECTIONS_PER_ADDRESS=${CINEMA_LIVE_CONNECTIONS_PER_ADDRESS:-20}
  export CINEMA_METRICS_ALLOW=${CINEMA_METRICS_ALLOW:-}
  # Sign-in with OpenID Connect providers (functions/oidc/settings.h). dev and
  # test run a local demo provider (infra/oidc-demo) and sign in with it
  # unless CINEMA_OIDC_PROVIDERS says otherwise; CINEMA_OIDC_DEMO=0 leaves it out.
  export CINEMA_PUBLIC_URL=${CINEMA_PUBLIC_URL:-$CINEMA_BASE_URL}
  local demo_default=1; [[ $profile == bench || $profile == chaos ]] && demo_default=0
  export CINEMA_OIDC_DEMO=${CINEMA_OIDC_DEMO:-$demo_default}
  export CINEMA_OIDC_DEMO_PORT=${CINEMA_OIDC_DEMO_PORT:-$oidc}
  export CINEMA_OIDC_DEMO_CLIENT_ID=${CINEMA_OIDC_DEMO_CLIENT_ID:-cinema-$profile}
  if [[ -z ${CINEMA_OIDC_PROVIDERS+x} ]]; then
    CINEMA_OIDC_PROVIDERS=""
    [[ $CINEMA_OIDC_DEMO == 1 ]] &&
      CINEMA_OIDC_PROVIDERS="demo|Demo ID|http://127.0.0.1:$CINEMA_OIDC_DEMO_PORT|$CINEMA_OIDC_DEMO_CLIENT_ID"
  fi
  export CINEMA_OIDC_PROVIDERS
  export CINEMA_OIDC_REDIRECTS=${CINEMA_OIDC_REDIRECTS:-/}

  case $profile in
    test) # the integration suite relies on these exact values
      # The suite runs from 127.0.0.1, exempt from the per-address buckets;
      # the tests of those buckets connect from other loopback addresses and
      # meet the defaults.
      export CINEMA_RATE_EXEMPT_ADDRESSES=127.0.0.1
      export CINEMA_REGISTER_BURST=20 CINEMA_REGISTER_REFILL_PER_MINUTE=20
      export CINEMA_LOGIN_BURST=5 CINEMA_LOGIN_REFILL_PER_MINUTE=5
      export CINEMA_LOGIN_ADDRESS_BURST=15 CINEMA_LOGIN_ADDRESS_REFILL_PER_MINUTE=30
      export CINEMA_MAX_HELD_SEATS=20 CINEMA_MAX_WAITLIST_ENTRIES=3
      export CINEMA_WAITLIST_BURST=10 CINEMA_WAITLIST_REFILL_PER_MINUTE=20
      export CINEMA_HOLD_TTL_SECONDS=3 CINEMA_ARGON2_MEMLIMIT_KIB=19456
      export CINEMA_ALLOWED_ORIGINS=http://allowed.example
      # The worker tests run the worker themselves, one run at a time.
      export CINEMA_WORKER_INTERVAL_SECONDS=0
      # The sign-in tests drive the demo provider's test hooks, and rotate its
      # key by restarting it: an unknown kid is fetched at once.
      export CINEMA_OIDC_DEMO_TEST_MODE=1 CINEMA_OIDC_JWKS_REFETCH_SECONDS=0 ;;
    bench|chaos) # wrk (or scripts/chaos) hammers from one address: lift the rate
      # limits (to the largest values common/runtime/src/config.cpp accepts)
      export CINEMA_LOGIN_BURST=10000000 CINEMA_LOGIN_REFILL_PER_MINUTE=600000000
      export CINEMA_REGISTER_BURST=10000000 CINEMA_REGISTER_REFILL_PER_MINUTE=600000000
      export CINEMA_HOLD_BURST=10000000 CINEMA_HOLD_REFILL_PER_MINUTE=600000000
      export CINEMA_LOGIN_ADDRESS_BURST=10000000 CINEMA_LOGIN_ADDRESS_REFILL_PER_MINUTE=600000000
      export CINEMA_WAITLIST_BURST=10000000 CINEMA_WAITLIST_REFILL_PER_MINUTE=600000000 ;;&
    chaos) # scripts/chaos: a booking rush while parts are killed
      # Every commit durable, the binary log synced on each commit too, whatever
      # the bench profile uses: a kill -9 of MariaDB must lose nothing it acknowledged.
      export CINEMA_DB_FLUSH_LOG_AT_TRX_COMMIT=1 CINEMA_DB_SYNC_BINLOG=1
      # Abandoned holds expire within the run, so the worker frees seats for
      # the waiting lists while the faults happen.
      export CINEMA_HOLD_TTL_SECONDS=${CHAOS_HOLD_TTL_SECONDS:-15}
      export CINEMA_WORKER_INTERVAL_SECONDS=1 ;;
    bench)
      # Bench customers hold on many shows at once.
      export CINEMA_MAX_HELD_SEATS=1000
      # Every run adds tens of thousands of events: keep little history so
      # repeated runs measure the same database, and give InnoDB room for the
      # working set (256M is the small default of dev and test).
      export CINEMA_HISTORY_RETENTION_HOURS=${CINEMA_HISTORY_RETENTION_HOURS:-1}
      export CINEMA_AUDIT_RETENTION_DAYS=${CINEMA_AUDIT_RETENTION_DAYS:-1}
      export CINEMA_DB_BUFFER_POOL=${CINEMA_DB_BUFFER_POOL:-1G} ;;
  esac

  export CINEMA_BIN_DIR=${CINEMA_BIN_DIR:-$CINEMA_REPO/build/bin}
  # Relative paths (e.g. from .env) are relative to the repo.
  [[ $CINEMA_RUN_DIR == /* ]] || CINEMA_RUN_DIR=$CINEMA_REPO/$CINEMA_RUN_DIR
  [[ $CINEMA_BIN_DIR == /* ]] || CINEMA_BIN_DIR=$CINEMA_REPO/$CINEMA_BIN_DIR
  # The functions' route tables (scripts/routes): beside the binaries' bin/.
  export CINEMA_ROUTES_DIR=${CINEMA_ROUTES_DIR:-$(dirname "$CINEMA_BIN_DIR")/routes}
  [[ $CINEMA_ROUTES_DIR == /* ]] || CINEMA_ROUTES_DIR=$CINEMA_REPO/$CINEMA_ROUTES_DIR
  RUN_DIR=$CINEMA_RUN_DIR
  export CINEMA_WORKER_LOCK_FILE=${CINEMA_WORKER_LOCK_FILE:-$RUN_DIR/worker.lock}
  export CINEMA_LIVE_PUBLISH_SOCKET=${CINEMA_LIVE_PUBLISH_SOCKET-$RUN_DIR/nginx/publish.sock}
  # The functions run on the same host as the stack: unix sockets spare every
  # MariaDB and Redis round trip the TCP stack. Set one empty to use TCP
  # (host and port); production on several hosts does.
  export CINEMA_DB_SOCKET=${CINEMA_DB_SOCKET-$RUN_DIR/mariadb/mariadb.sock}
  export CINEMA_REDIS_SOCKET=${CINEMA_REDIS_SOCKET-$RUN_DIR/redis/redis.sock}
  LOG_DIR=$RUN_DIR/log
  SOCK_DIR=$RUN_DIR/sock
  # sun_path holds 107 bytes; "<rundir>/sock/<longest function name>.sock" must fit.
  if ((${#SOCK_DIR} > 80)); then
    die "run dir path too long for unix sockets ($RUN_DIR); set CINEMA_RUN_DIR to a shorter path"
  fi
}

# cinema_secrets load|generate: load <rundir>/secrets.env; with "generate", create
# any secret still missing and append it there (mode 0600).
cinema_secrets() {
  local file=$RUN_DIR/secrets.env v
  load_env_file "$file"
  for v in "${CINEMA_SECRET_VARS[@]}"; do
    [[ -n ${!v:-} ]] && continue
    [[ ${1:-} == generate ]] || die "$v is not set and $file does not have it yet (run: scripts/stack --profile $CINEMA_PROFILE up)"
    mkdir -p "$RUN_DIR"
    (umask 077; touch "$file")
    chmod 600 "$file"
    local len=32; [[ $v == CINEMA_JWT_SECRET || $v == CINEMA_TICKET_SECRET ]] && len=64
    printf -v "$v" '%s' "$(random_secret $len)"
    export "${v?}"
    printf '%s=%s\n' "$v" "${!v}" >>"$file"
  done
  ((${#CINEMA_JWT_SECRET} >= 32)) || die "CINEMA_JWT_SECRET must be at least 32 characters"
}

# Prints the profile as shell export lines (for eval).
cinema_print_env() {
  local v
  for v in "${CINEMA_VARS[@]}" CINEMA_BIN_DIR $(cinema_extra_vars); do
    printf 'export %s=%q\n' "$v" "${!v-}"
  done
}

# Client helpers (app user over TCP, password via MYSQL_PWD, not argv).
db_client() {
  MYSQL_PWD=$CINEMA_DB_PASSWORD mariadb --no-defaults --protocol=TCP \
    -h "$CINEMA_DB_HOST" -P "$CINEMA_DB_PORT" -u "$CINEMA_DB_USER" \
    --default-character-set=utf8mb4 "$@"
}

json_escape() { # JSON string body (no quotes) for plain text input
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '%s' "$s"
}
