# shellcheck shell=bash
# Process helpers of the local stacks (scripts/stack, scripts/cluster): pid
# files checked against the command line, detached spawning, stopping with a
# grace period, port checks, escaping for the generated configs.

# our_pid PIDFILE PATTERN: print the pid if it is alive and its command line
# contains PATTERN (so a stale pid file never makes us touch someone else's process).
our_pid() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(tr -dc '0-9' <"$1" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
  printf '%s\n' "$pid"
}

wait_gone() { # wait_gone PID SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

stop_pid() { # stop_pid NAME PID SECONDS: SIGTERM, wait, SIGKILL as a last resort
  kill -TERM "$2" 2>/dev/null || return 0
  wait_gone "$2" "$3" && return 0
  warn "$1 (pid $2) did not stop within $3 s; sending SIGKILL"
  kill -KILL "$2" 2>/dev/null || true
  wait_gone "$2" 5 || warn "$1 (pid $2) is still alive"
}

# spawn LOGFILE CMD...: run CMD detached (own session, so Ctrl-C in a
# foreground `make run` does not reach it), without our lock fd.
# shellcheck disable=SC2034  # SPAWNED_PID is read by the callers
spawn() {
  local out=$1; shift
  setsid "$@" </dev/null >>"$out" 2>&1 9>&- &
  SPAWNED_PID=$!
}

# tcp_open PORT [ADDRESS]: something accepts connections there (default
# address: SVC_ADDR, the services' listening address, 127.0.0.1 by default).
tcp_open() { (exec 3<>"/dev/tcp/${2:-${SVC_ADDR:-127.0.0.1}}/$1") 2>/dev/null; }

port_free_or_die() { # port_free_or_die PORT WHAT
  if tcp_open "$1"; then
    die "port ${SVC_ADDR:-127.0.0.1}:$1 ($2) is already taken by another program; stop it or override the port (see .env.example)"
  fi
}

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
sup_escape() { printf '%s' "${1//%/%%}"; }
sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }

show_log_tail() { # show_log_tail FILE [LINES]
  [[ -s $1 ]] || return 0
  printf -- '--- last lines of %s ---\n' "$1" >&2
  tail -n "${2:-20}" "$1" >&2
}

