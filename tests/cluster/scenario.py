#!/usr/bin/env python3
"""The cluster scenario (make cluster-test): a booking load through both nginx
while parts of the cluster are killed, then the invariants of the chaos suite.

Run by scripts/cluster-test with the cluster up and `scripts/cluster env` in
the environment. Every answer is recorded by phase; the report goes to
stdout and <cluster dir>/report.json. Exit 1 on any violation."""

import datetime
import getpass
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
C = os.environ["CLUSTER_DIR"]
NGINX = os.environ["CLUSTER_NGINX"].split()
DB1_SOCK, DB2_SOCK = os.environ["CLUSTER_DB_SOCKS"].split()
SENTINELS = os.environ["CLUSTER_SENTINELS"].split()
CUSTOMERS = int(os.environ.get("CLUSTER_CUSTOMERS", "8"))
PHASE_SECONDS = float(os.environ.get("CLUSTER_PHASE_SECONDS", "20"))
ME = getpass.getuser()

violations = []
events = []  # what was done to the cluster, with times
answers = defaultdict(Counter)  # phase -> "METHOD route status" -> n
by_status = defaultdict(Counter)  # phase -> status -> n
problems = defaultdict(Counter)  # phase -> "METHOD route status: detail" -> n
lock = threading.Lock()
phase = "setup"
stop = threading.Event()
T0 = time.time()


def note(msg):
    line = "[%6.1f s] %s" % (time.time() - T0, msg)
    print(line, flush=True)
    events.append(line)


def violation(msg):
    note("VIOLATION: " + msg)
    violations.append(msg)


def sql(query, sock=DB1_SOCK):
    out = subprocess.run(
        ["mariadb", "--no-defaults", "-S", sock, "-u", ME, "-N", "--batch", "-D", "cinema", "-e", query],
        check=True, capture_output=True, text=True, timeout=30).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def call(method, base, path, body=None, token=None, headers=None, route=None, record=True, timeout=15):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    except Exception as e:  # no answer at all (refused, reset, timeout)
        status, raw = 0, str(e).encode()
    if record:
        with lock:
            answers[phase]["%s %s %s" % (method, route or path, status)] += 1
            by_status[phase][status] += 1
    try:
        doc = json.loads(raw) if raw else None
    except ValueError:
        doc = None
    if record and status >= 400:
        why = doc.get("detail", "") if isinstance(doc, dict) else raw[:80].decode(errors="replace")
        why = "".join(c for c in why if not c.isdigit())[:90]  # one line per kind, not per seat
        with lock:
            problems[phase]["%s %s %s: %s" % (method, route or path, status, why)] += 1
    return status, doc


# ---------------------------------------------------------------- setup

def register_login(base, email, password):
    s, _ = call("POST", base, "/v1/auth/register", {"email": email, "password": password}, record=False)
    if s not in (201, 409):
        raise SystemExit("register %s: HTTP %s" % (email, s))
    s, d = call("POST", base, "/v1/auth/login", {"email": email, "password": password}, record=False)
    if s != 200:
        raise SystemExit("login %s: HTTP %s" % (email, s))
    return d["access_token"]


def setup():
    base = NGINX[0]
    run = uuid.uuid4().hex[:8]
    owner = "owner-%s@cluster.test" % run
    register_login(base, owner, "cluster-owner-pass")
    sql("UPDATE users SET role='OWNER' WHERE email='%s'" % owner)
    tok = register_login(base, owner, "cluster-owner-pass")
    s, d = call("POST", base, "/v1/cinemas", {"name": "Cluster %s" % run, "city": "Loopback",
                                              "address": "127 Local Street", "timezone": "UTC"}, tok, record=False)
    assert s == 201, (s, d)
    cinema = d["id"]
    s, d = call("POST", base, "/v1/halls", {"cinema_id": cinema, "name": "Main", "rows": 20, "cols": 25},
                tok, record=False)
    assert s == 201, (s, d)
    hall = d["id"]
    starts = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() + 2 * 86400))
    ends = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() + 2 * 86400 + 3 * 3600))
    s, d = call("POST", base, "/v1/shows", {"hall_id": hall, "title": "Cluster premiere", "starts_at": starts,
                                            "ends_at": ends, "base_price_cents": 1000, "currency": "EUR"},
                tok, record=False)
    assert s == 201, (s, d)
    show = d["id"]
    s, d = call("GET", base, "/v1/shows/%d/seats" % show, record=False)
    assert s == 200, (s, d)
    seats = [x["seat_id"] for x in d["seats"]]
    customers = []
    for i in range(CUSTOMERS):
        email = "customer-%s-%d@cluster.test" % (run, i)
        customers.append((email, register_login(NGINX[i % 2], email, "cluster-customer-pass")))
    note("setup: show %d with %d seats, %d customers" % (show, len(seats), len(customers)))
    return show, seats, customers


# ---------------------------------------------------------------- load

confirmed = {}   # reservation id -> customer email (201 confirm)
cancelled = set()  # reservation ids cancelled with 200


def customer_loop(show, seats, email, token):
    rnd = random.Random(email)
    free = list(seats)
    mine = []  # this customer's confirmed reservations, oldest first
    while not stop.is_set():
        time.sleep(0.05)  # a customer thinks a little; the machine has two cores
        base = rnd.choice(NGINX)
        r = rnd.random()
        if r < 0.1:
            call("GET", base, "/v1/cinemas?limit=5", route="/v1/cinemas")
            call("GET", base, "/v1/shows/%d" % show, route="/v1/shows/{id}")
            continue
        if r < 0.3 or len(free) < 2:
            s, d = call("GET", base, "/v1/shows/%d/seats" % show, route="/v1/shows/{id}/seats")
            if s == 200:
                free = [x["seat_id"] for x in d["seats"] if x["status"] == "FREE"] or list(seats)
            continue
        want = rnd.sample(free, rnd.choice((1, 2)))
        s, d = call("POST", base, "/v1/shows/%d/hold" % show, {"seat_ids": want}, token,
                    route="/v1/shows/{id}/hold")
        if s != 201:
            time.sleep(0.05)
            continue
        key = str(uuid.uuid4())
        hold_id = d["hold_id"]
        for attempt in range(4):  # a 503 is retried with the same Idempotency-Key
            s, d = call("POST", base if attempt == 0 else rnd.choice(NGINX), "/v1/shows/%d/confirm" % show,
                        {"hold_id": hold_id}, token, headers={"Idempotency-Key": key},
                        route="/v1/shows/{id}/confirm")
            if s != 503:
                break
            time.sleep(1)
        if s == 201:
            with lock:
                confirmed[d["reservation_id"]] = email
            mine.append(d["reservation_id"])
        # A customer keeps at most a few bookings, cancelling the oldest: the
        # show never sells out, so every phase books.
        while len(mine) > 4 or (mine and rnd.random() < 0.1):
            rid = mine[0]
            s, _ = call("DELETE", rnd.choice(NGINX), "/v1/reservations/%d" % rid, token=token,
                        route="/v1/reservations/{id}")
            if s == 200:
                with lock:
                    cancelled.add(rid)
            if s in (200, 404, 409):
                mine.pop(0)
            else:
                break  # 503: try again on the next round


# ---------------------------------------------------------------- chaos steps

def cluster(*args):
    return subprocess.run([os.path.join(REPO, "scripts", "cluster")] + list(args), check=True,
                          capture_output=True, text=True, timeout=180).stdout


def pid_of(path):
    with open(path) as f:
        return int(f.read().strip())


phase_starts = []  # (epoch seconds, phase)


def set_phase(name):
    global phase
    with lock:
        phase = name
        phase_starts.append((time.time(), name))
    note("phase: " + name)


def upstream_failures():
    """What nginx turned into 503 for the clients: answers whose last upstream
    attempt failed (502: reset or refused, 504: timeout), by phase, from both
    nginx access logs."""
    out = defaultdict(Counter)
    for n in (1, 2):
        path = os.path.join(C, "host%d" % n, "log", "nginx-access.log")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                last = str(e.get("upstream_status", "")).split(",")[-1].strip()
                if last not in ("502", "504"):
                    continue
                t = datetime.datetime.fromisoformat(e["time"]).timestamp()
                name = None
                for start, p in phase_starts:
                    if start - 1 <= t:
                        name = p
                if name:
                    out[name]["%s %s -> %s (upstream %s)" % (e.get("method"), e.get("uri"), e.get("status"), last)] += 1
    return out


def redis_master():
    for s in SENTINELS:
        host, port = s.split(":")
        out = subprocess.run(["redis-cli", "-h", host, "-p", port, "SENTINEL", "get-master-addr-by-name", "cinema"],
                             capture_output=True, text=True, timeout=5).stdout.split()
        if len(out) == 2:
            return "%s:%s" % (out[0], out[1])
    return None


def live_event_check(show, seats, token):
    """A subscriber on nginx #2 sees a seat held through nginx #1."""
    got = []
    ready = threading.Event()
    target = []  # the seat held, once it is

    def matches(line):
        try:
            m = json.loads(line)
        except ValueError:
            return False
        return m.get("status") == "HELD" and bool(target) and target[0] in m.get("seat_ids", [])

    def listen():
        req = urllib.request.Request(NGINX[1] + "/v1/shows/%d/events" % show,
                                     headers={"Accept": "text/event-stream"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                ready.set()
                for raw in r:
                    line = raw.decode(errors="replace").strip()
                    if line.startswith("data:"):
                        for one in line[5:].strip().split("\\n"):
                            got.append(one)
                        if any(matches(g) for g in got):
                            return
        except Exception as e:  # timeout ends the wait
            got.append("error: %s" % e)
        finally:
            ready.set()

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    ready.wait(10)
    time.sleep(0.5)
    for seat in seats:
        s, d = call("POST", NGINX[0], "/v1/shows/%d/hold" % show, {"seat_ids": [seat]}, token,
                    route="/v1/shows/{id}/hold")
        if s == 201:
            target.append(seat)
            break
    t.join(10)
    held = [g for g in got if matches(g)]
    if held:
        note("live: subscriber on nginx #2 got %s after a hold of seat %d through nginx #1" % (held[0], seat))
    else:
        violation("live: subscriber on nginx #2 got no event for seat %d held through nginx #1 (%s)" % (seat, got[-5:]))
    if s == 201:
        call("DELETE", NGINX[0], "/v1/shows/%d/hold" % show, {"hold_id": d["hold_id"]}, token,
             route="/v1/shows/{id}/hold")
    return bool(held)


def worker_runs_at_once():
    procs = []
    for i in (1, 2):  # each its own host's lock file: only the database lock is shared
        e = dict(os.environ, CINEMA_WORKER_LOCK_FILE=os.path.join(C, "manual-worker-%d.lock" % i),
                 CINEMA_FUNCTION="worker")
        procs.append(subprocess.Popen([os.path.join(REPO, "build", "bin", "worker"), "--for", "3"], env=e,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outs = [p.communicate(timeout=60)[0] for p in procs]
    return ["worked" if "worker lock taken" in o else
            "exited quietly" if "another worker run holds the database lock" in o else "?: " + o[-300:]
            for o in outs]


def worker_exclusion_check():
    """Two worker runs started at once on two "hosts": only one may work. First
    beside the scheduled run (which holds the lock: neither works), then with
    the schedulers of both hosts stopped (exactly one works)."""
    result = {}
    beside = worker_runs_at_once()
    note("workers: two runs at once beside the scheduled one -> %s" % beside)
    if beside.count("worked") > 1 or any(r.startswith("?") for r in beside):
        violation("worker runs beside the scheduled one: %s" % beside)
    result["beside_scheduled_run"] = beside
    for h in ("A", "B"):
        cluster("ctl", h, "stop", "worker-scheduler")
    deadline = time.time() + 30
    while time.time() < deadline and sql("SELECT IS_USED_LOCK('cinema.worker') IS NULL")[0][0] != "1":
        time.sleep(0.2)
    alone = worker_runs_at_once()
    note("workers: schedulers stopped, two runs at once -> %s" % alone)
    if sorted(alone) != ["exited quietly", "worked"]:
        violation("two worker runs at once with no other run: %s (want one worked, one exited quietly)" % alone)
    result["two_runs_alone"] = alone
    for h in ("A", "B"):
        cluster("ctl", h, "start", "worker-scheduler")
    return result


# ---------------------------------------------------------------- main

def main():
    report = {"killed": [], "phases": {}}
    show, seats, customers = setup()
    report["live_event"] = live_event_check(show, seats, customers[0][1])
    live_seats = list(reversed(seats))  # the far end of the hall for the second check
    threads = [threading.Thread(target=customer_loop, args=(show, seats, e, t), daemon=True) for e, t in customers]
    for t in threads:
        t.start()

    set_phase("baseline")
    time.sleep(PHASE_SECONDS)

    set_phase("host A stopped")
    cluster("stop-host", "A")
    report["killed"].append("function host A (its supervisord: every function and its worker)")
    note("stopped function host A (supervisord)")
    time.sleep(PHASE_SECONDS)
    cluster("start-host", "A")
    note("started function host A again")

    set_phase("rabbitmq leader killed")
    leader = None
    for n in ("1", "2", "3"):
        try:
            out = json.loads(cluster("rmqctl", n, "-q", "list_queues", "name", "type", "leader", "--formatter", "json"))
            types = {q["name"]: q["type"] for q in out}
            leader = next(q["leader"] for q in out if q["name"] == "cinema.notifications")
            note("queues: %s" % types)
            report["queue_types"] = types
            for q in ("cinema.notifications", "cinema.waitlist", "cinema.dead"):
                if types.get(q) != "quorum":
                    violation("%s is not a quorum queue: %s" % (q, types.get(q)))
            break
        except Exception:
            continue
    nodes = os.environ["CLUSTER_MQ_NODES"].split()
    if leader in nodes:
        idx = nodes.index(leader) + 1
        pid = pid_of(os.path.join(C, "mq%d" % idx, "rabbitmq", "rabbitmq.pid"))
        os.kill(pid, signal.SIGKILL)
        report["killed"].append("RabbitMQ node %s (leader of cinema.notifications), kill -9" % leader)
        note("kill -9 RabbitMQ %s (pid %d), leader of the booking-event queue" % (leader, pid))
    else:
        violation("could not find the leader of cinema.notifications (%s)" % leader)
    time.sleep(PHASE_SECONDS)

    set_phase("redis failover")
    master = redis_master()
    idx = [a for a in os.environ["CLUSTER_REDIS"].split()].index(master) + 1
    pid = pid_of(os.path.join(C, "redis%d" % idx, "redis", "redis.pid"))
    os.kill(pid, signal.SIGKILL)
    report["killed"].append("Redis primary %s, kill -9 (sentinels promote the replica)" % master)
    note("kill -9 Redis primary %s (pid %d)" % (master, pid))
    t_kill = time.time()
    new = master
    while time.time() - t_kill < 30 and new == master:
        time.sleep(0.5)
        new = redis_master()
    note("sentinels name %s the master after %.1f s" % (new, time.time() - t_kill))
    if new == master:
        violation("no Redis failover within 30 s")
    else:
        time.sleep(2)
        h, p = new.split(":")

        def processed():
            out = subprocess.run(["redis-cli", "-h", h, "-p", p, "INFO", "stats"], capture_output=True,
                                 text=True, timeout=5).stdout
            return int(next(l.split(":")[1] for l in out.splitlines() if l.startswith("total_commands_processed")))
        a = processed()
        time.sleep(2)
        b = processed()
        note("the new Redis master served %d commands in 2 s (the clients followed the failover)" % (b - a - 1))
        report["redis_new_master_commands_in_2s"] = b - a - 1
        if b - a < 20:
            violation("the clients did not follow the Redis failover (%d commands in 2 s)" % (b - a))
    time.sleep(max(5.0, PHASE_SECONDS - (time.time() - t_kill)))

    set_phase("replica killed")
    before = sql("SHOW GLOBAL STATUS LIKE 'Com_select'", DB2_SOCK)[0][1]
    pid = pid_of(os.path.join(C, "db2", "mariadb", "mariadb.pid"))
    os.kill(pid, signal.SIGKILL)
    report["killed"].append("MariaDB replica db2, kill -9")
    note("kill -9 MariaDB replica (pid %d); catalogue SELECTs it had served: %s" % (pid, before))
    report["replica_selects_before_kill"] = int(before)
    if int(before) == 0:
        violation("the replica served no catalogue read before it was killed")
    time.sleep(PHASE_SECONDS)
    cat = Counter()
    for base in NGINX:
        for _ in range(5):
            s, _ = call("GET", base, "/v1/cinemas?limit=1&cursor=", route="/v1/cinemas (after replica loss)")
            cat[s] += 1
    note("catalogue after the replica's loss: %s" % dict(cat))
    if set(cat) != {200}:
        violation("catalogue did not fall back to the primary: %s" % dict(cat))

    set_phase("workers")
    report["workers"] = worker_exclusion_check()

    stop.set()
    for t in threads:
        t.join(30)
    # Live events still cross from nginx #1 to #2 after all of that.
    report["live_event_after_failures"] = live_event_check(show, live_seats, customers[0][1])
    set_phase("drain")
    deadline = time.time() + 90
    while time.time() < deadline:
        left = int(sql("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")[0][0])
        unconsumed = int(sql(
            "SELECT COUNT(*) FROM outbox o LEFT JOIN processed_events p ON p.consumer='notifications' "
            "AND p.event_id=o.event_id WHERE o.routing_key LIKE 'booking.%' AND p.event_id IS NULL")[0][0])
        if left == 0 and unconsumed == 0:
            break
        time.sleep(1)
    note("outbox unpublished: %d; booking events not yet consumed: %d" % (left, unconsumed))
    if left:
        violation("%d outbox events never published" % left)
    if unconsumed:
        violation("%d booking events published but never consumed (lost)" % unconsumed)

    # ---- invariants
    dup = sql("SELECT show_id, seat_id, COUNT(*) FROM reservation_seats WHERE active=1 "
              "GROUP BY show_id, seat_id HAVING COUNT(*) > 1")
    if dup:
        violation("seats in two active reservations: %s" % dup[:10])
    ids = sorted(confirmed)
    status = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for rid, st in sql("SELECT id, status FROM reservations WHERE id IN (%s)" % ",".join(map(str, chunk))):
            status[int(rid)] = st
    lost = [r for r in ids if r not in status]
    wrong = [r for r in ids if r in status and status[r] != ("CANCELLED" if r in cancelled else "CONFIRMED")]
    if lost:
        violation("%d confirmed reservations missing: %s" % (len(lost), lost[:10]))
    if wrong:
        violation("%d reservations in the wrong state: %s" % (len(wrong), [(r, status[r]) for r in wrong[:10]]))
    twice = sql("SELECT consumer, event_id, COUNT(*) FROM processed_events GROUP BY consumer, event_id "
                "HAVING COUNT(*) > 1")
    if twice:
        violation("events applied twice: %s" % twice[:10])
    bad = {p: {s: n for s, n in c.items() if s in (500, 502, 504) or s == 0} for p, c in by_status.items()}
    for p, b in bad.items():
        if b:
            violation("phase '%s': answers %s" % (p, b))
    for p, c in by_status.items():
        if p not in ("redis failover",) and c.get(503):
            note("note: phase '%s' had %d answers 503" % (p, c[503]))
    time.sleep(1.5)  # the access logs are flushed every second
    ups = upstream_failures()
    report["upstream_failures"] = {p: dict(c) for p, c in ups.items()}
    for p, c in ups.items():
        n = sum(c.values())
        if p == "host A stopped":
            note("host A stopped: %d requests queued on its sockets when it stopped were reset; nginx does not "
                 "resend a POST that reached a function, so the clients got a retryable 503 (%s)" % (n, dict(c)))
        else:
            violation("phase '%s': %d requests failed upstream (the clients saw 503): %s" % (p, n, dict(c)))
    ssl = sql("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'")[0][1]
    note("MariaDB primary: %s TLS handshakes accepted (functions connect with CINEMA_DB_SSL_CA)" % ssl)

    for p, c in by_status.items():
        report["phases"][p] = {"by_status": {str(k): v for k, v in sorted(c.items())},
                               "answers": dict(sorted(answers[p].items())),
                               "problems": dict(problems[p].most_common(8))}
    report.update({
        "confirmed": len(confirmed), "cancelled": len(cancelled), "mariadb_tls_handshakes": int(ssl),
        "events": events, "violations": violations, "seconds": round(time.time() - T0, 1),
    })
    with open(os.path.join(C, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    print("\n==== what was killed")
    for k in report["killed"]:
        print("  - " + k)
    print("==== what the clients saw (answers by status, per phase)")
    for p, c in by_status.items():
        print("  %-24s %s" % (p, " ".join("%s:%d" % (s, n) for s, n in sorted(c.items()))))
    print("  reservations confirmed %d, of them cancelled %d" % (len(confirmed), len(cancelled)))
    print("==== %s (report: %s)" % ("FAILED: %d violations" % len(violations) if violations else "all invariants hold",
                                    os.path.join(C, "report.json")))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
