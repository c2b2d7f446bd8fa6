"""A stand-in SMS gateway: a real HTTP server on 127.0.0.1, in a thread, that records what the
portal posts and answers as the test tells it (an id, an error status, or no answer at all).
Not a mock of our code: notifications.backends.HttpSmsBackend talks to it over a socket."""

import itertools
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict


class FakeSmsGateway:
    def __init__(self):
        self.requests: list[Received] = []
        # What the next requests get, in order; once empty, `status` with a fresh id.
        self.statuses: list[int] = []
        self.status = 200
        self.hang = False  # no answer until the test ends (a gateway that never answers)
        self._released = threading.Event()
        self._ids = itertools.count(1)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                gateway.requests.append(
                    Received(
                        self.path,
                        {name.lower(): value for name, value in self.headers.items()},
                        json.loads(raw),
                    )
                )
                if gateway.hang:
                    gateway._released.wait(timeout=30)
                    return
                status = gateway.statuses.pop(0) if gateway.statuses else gateway.status
                answer = (
                    {"id": f"gw-{next(gateway._ids)}"}
                    if 200 <= status < 300
                    else {"error": "internal"}
                )
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the portal hung up on a hanging answer: expected, not a failure

        self._server = Server(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/v1/messages"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> "FakeSmsGateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def texts(self) -> list[str]:
        return [request.body["text"] for request in self.requests]
