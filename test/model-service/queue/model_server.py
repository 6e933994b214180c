"""A real HTTP model server for the queue consumer's tests, on loopback (standard library only).

POST MODEL_PATH takes a JSON body that says how to answer: {"mode": "ok"} echoes the body, {"mode": "flaky", "fails": n}
answers 500 to the first n calls of a request id, then 200, {"mode": "fail"} always 500, {"mode": "sleep", "seconds": s}
answers after s seconds, {"mode": "bad"} 400, {"mode": "throttled"} 429. With ECHO_REQUEST=1 the answer also has the
server's SERVER_NAME, the path and the request headers (the gateway's tests check what reaches the model). GET /health is 503 until READY_AFTER seconds have passed, then 200.
GET /calls: the number of POSTs per X-Request-Id, and those that came before the server was ready (under "early").
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STARTED = time.monotonic()
READY_AFTER = float(os.environ.get("READY_AFTER", "0"))
calls: dict[str, int] = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet: the test reads /calls instead
        pass

    def answer(self, status: int, payload: object, content_type: str = "application/json") -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Internal", "not kept")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/health":
            ready = time.monotonic() - STARTED >= READY_AFTER
            return self.answer(200 if ready else 503, {"ready": ready})
        if self.path == "/calls":
            with lock:
                return self.answer(200, dict(calls))
        self.answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        rid = self.headers.get("X-Request-Id", "")
        with lock:
            if time.monotonic() - STARTED < READY_AFTER:
                calls["early"] = calls.get("early", 0) + 1
            calls[rid] = calls.get(rid, 0) + 1
            n = calls[rid]
        if self.path != os.environ.get("MODEL_PATH", "/v1/predict"):
            return self.answer(404, {"error": f"no route {self.path}"})
        request = json.loads(body)
        mode = request.get("mode")
        if mode == "flaky" and n <= request.get("fails", 1):
            return self.answer(500, {"error": f"failure {n}"})
        if mode == "fail":
            return self.answer(500, {"error": "always failing"})
        if mode == "bad":
            return self.answer(400, {"error": "mode bad: the request is invalid"})
        if mode == "throttled":
            return self.answer(429, {"error": "too many requests"})
        if mode == "sleep":
            time.sleep(float(request["seconds"]))
        answer = {"echo": request, "requestId": rid, "contentType": self.headers.get("Content-Type"), "call": n}
        if os.environ.get("ECHO_REQUEST") == "1":
            answer.update(server=os.environ.get("SERVER_NAME"), path=self.path, headers={k.lower(): v for k, v in self.headers.items()})
        self.answer(200, answer, "application/json; charset=utf-8")


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
server.serve_forever()
