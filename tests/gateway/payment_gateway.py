#!/usr/bin/env python3
"""A stand-in payment gateway for the integration tests (the `http` provider's
protocol, see common/adapters/include/cinema/payment.h).

    payment_gateway.py --dir DIR --secret SECRET

Listens on 127.0.0.1 on a free port and writes it to DIR/port. Every request
is appended to DIR/journal.jsonl as one JSON line:
    {"path", "key", "replayed", "applied", "status", "amount_cents", "id"}
`applied` is true only when the call moved money (a new authorization or a
new refund): a repeated Idempotency-Key is answered from memory with the
first answer (`replayed`) and moves nothing. DIR/mode, read on each request:
    up (or absent)   normal
    down             503 to everything, nothing done
    lost-answer      does the work, then answers 503 (as if the answer was lost)
The token "tok_decline" is declined (402); a refund beyond what is left of an
authorization is refused (422).
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
ANSWERS = {}  # idempotency key -> (status, body)
AUTHS = {}    # authorization id -> {"amount", "refunded", "captured", "voided"}
COUNTER = [0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--secret", required=True)
    args = ap.parse_args()

    def mode():
        try:
            with open(os.path.join(args.dir, "mode")) as f:
                return f.read().strip() or "up"
        except FileNotFoundError:
            return "up"

    def journal(entry):
        with open(os.path.join(args.dir, "journal.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def next_id(prefix):
        COUNTER[0] += 1
        return "%s_%d_%d" % (prefix, os.getpid(), COUNTER[0])

    def perform(path, body):
        """(status, answer, applied) for a new key."""
        if path == "/authorizations":
            if body.get("token") == "tok_decline":
                return 402, {"reason": "The card was declined (stand-in gateway)"}, False
            amount = int(body.get("amount_cents", 0))
            aid = next_id("auth")
            AUTHS[aid] = {"amount": amount, "refunded": 0, "captured": False, "voided": False}
            return 201, {"id": aid, "status": "authorized"}, True
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "authorizations" and parts[2] in ("capture", "void"):
            auth = AUTHS.get(parts[1])
            if auth is None:
                return 404, {"reason": "no such authorization"}, False
            auth["captured" if parts[2] == "capture" else "voided"] = True
            return 200, {"id": parts[1], "status": parts[2] + "d"}, False
        if path == "/refunds":
            amount = int(body.get("amount_cents", 0))
            auth = AUTHS.get(body.get("authorization"))
            if auth is not None:
                if amount <= 0 or auth["refunded"] + amount > auth["amount"]:
                    return 422, {"reason": "refund exceeds the captured amount"}, False
                auth["refunded"] += amount
            return 201, {"id": next_id("re"), "status": "succeeded"}, True
        return 404, {"reason": "unknown path"}, False

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            if self.headers.get("Authorization") != "Bearer " + args.secret:
                return self.answer(401, {"reason": "bad credentials"})
            key = self.headers.get("Idempotency-Key", "")
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self.answer(400, {"reason": "malformed JSON"})
            m = mode()
            entry = {"path": self.path, "key": key, "amount_cents": body.get("amount_cents"),
                     "replayed": False, "applied": False}
            if m == "down":
                entry["status"] = 503
                journal(entry)
                return self.answer(503, {"reason": "down"})
            with LOCK:
                if key and key in ANSWERS:
                    status, out = ANSWERS[key]
                    entry["replayed"] = True
                else:
                    status, out, applied = perform(self.path, body)
                    entry["applied"] = applied
                    if key:
                        ANSWERS[key] = (status, out)
            entry["status"] = status
            entry["id"] = out.get("id")
            if m == "lost-answer":
                entry["status"] = 503
                journal(entry)
                return self.answer(503, {"reason": "answer lost"})
            journal(entry)
            return self.answer(status, out)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, os.path.join(args.dir, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
