"""A partner's webhook receiver: a real HTTP server on 127.0.0.1, in a thread, that checks each
delivery's signature with its own HMAC code (not the portal's) and records what arrived. It
answers as the test tells it: an error status, or slowly."""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Delivery:
    headers: dict[str, str]  # names in lower case
    raw: bytes
    signed: bool  # the signature matches the body and the secret, within five minutes

    @property
    def body(self) -> dict:
        return json.loads(self.raw)


def signature_matches(secret: str, header: str, raw: bytes) -> bool:
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + raw, hashlib.sha256)
    fresh = abs(time.time() - int(parts["t"])) <= 300
    return fresh and hmac.compare_digest(expected.hexdigest(), parts["v1"])


class Receiver:
    def __init__(self):
        self.secret = ""
        self.deliveries: list[Delivery] = []
        self.statuses: list[int] = []  # the next answers, then 204
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.deliveries.append(
                    Delivery(
                        headers,
                        raw,
                        signature_matches(
                            receiver.secret, headers.get("x-anvt-signature", ""), raw
                        ),
                    )
                )
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/anvt/webhooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
