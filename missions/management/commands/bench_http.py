"""The public mission list under concurrent load, against a bare Django view, both served by
gunicorn with production settings in the same run (PRODUCT section 9). Load from wrk."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count

from accounts import integrations
from accounts.roles import has_mfa
from missions.models import Placement
from partners.enums import MembershipRole, TokenScope
from partners.models import ApiToken, PartnerMembership, PartnerOrganisation

ROOT = Path(settings.BASE_DIR)

# wrk's summary prints the 50th, 75th, 90th and 99th percentiles; this asks it for the 95th.
PERCENTILES = """
done = function(summary, latency, requests)
  for _, p in pairs({50, 95, 99}) do
    io.write(string.format("p%d_ms %.2f\\n", p, latency:percentile(p) / 1000))
  end
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, where: str = "") -> None:
    """Wait (30 s at most) until the server started at `base` answers its health check."""
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError as exc:
            if time.monotonic() > deadline or server.poll() is not None:
                raise CommandError(f"gunicorn did not start{where}") from exc
            time.sleep(0.2)


BENCH_API_USER = "bench-api@anvt.bench"


def api_key() -> tuple[str, int]:
    """A fresh read key of the partner with the most placements, in the name of a coordinator
    of the benchmark; and how many placements its first page lists."""
    partner = (
        PartnerOrganisation.objects.annotate(count=Count("contingents__placements"))
        .filter(count__gt=0)
        .order_by("-count")
        .first()
    )
    if partner is None:
        raise CommandError("No placements to list: run bench_readiness first (make bench does).")
    user, _created = get_user_model().objects.get_or_create(
        email=BENCH_API_USER, defaults={"name": "Benchmark API"}
    )
    if not has_mfa(user):  # a key stands for a coordinator with two-factor authentication
        TOTP.activate(user, generate_totp_secret())
    PartnerMembership.objects.update_or_create(
        user=user, defaults={"organisation": partner, "role": MembershipRole.COORDINATOR}
    )
    ApiToken.objects.filter(created_by=user).delete()
    _token, key = integrations.create_token(
        partner, actor=user, name="benchmark", scope=TokenScope.READ, days=30
    )
    listed = min(Placement.objects.for_partner(partner).count(), 50)
    return key, listed


class Command(BaseCommand):
    help = "Requests per second of /missions/ and of a bare view on gunicorn, and their ratio."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=10)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, seconds: int, connections: int, workers: int, **options):
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk is missing: apt-get install wrk")
        port = free_port()
        folder = Path(tempfile.mkdtemp(prefix="anvt-bench-"))
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://127.0.0.1",
            "MFA_ENCRYPTION_KEYS": ",".join(settings.MFA_ENCRYPTION_KEYS),
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "ANVT_BENCHMARK_VIEWS": "true",
            "STATIC_ROOT": str(folder / "static"),
            "LOG_LEVEL": "WARNING",
            # The API's per-key limit (300/min) would cap the benchmark's one key at 5 requests a
            # second: the list is measured without it.
            "API_RATE_LIMIT": "off",
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", f"sqlite:///{connection.settings_dict['NAME']}"
            ),
            "HOME": str(folder),
        }
        # The cache the public pages are kept in, shared by the workers as in production.
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        base = f"http://127.0.0.1:{port}"
        script = folder / "percentiles.lua"
        script.write_text(PERCENTILES)
        server = None
        try:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            gunicorn = Path(sys.executable).with_name("gunicorn")
            server = subprocess.Popen(
                [
                    gunicorn,
                    "anvt.wsgi",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stderr=subprocess.DEVNULL,
            )
            wait_until_up(base, server)
            weight = self._first_visit_weight(base)
            key, listed = api_key()
            results = {}
            # The public figures (issue 21): kept in the cache like /missions/.
            for name, path in (
                ("missions", "/missions/"),
                ("figures", "/chiffres/"),
                ("bare", "/bench/bare/"),
                # The partner API's first page of placements (issue 22), with its key: every
                # call authenticated and written to the audit trail (not throttled, see above).
                ("api_placements", "/api/v1/placements"),
            ):
                headers = [f"Authorization: Bearer {key}"] if path.startswith("/api/") else []
                self._load(wrk, script, base + path, 2, connections, headers)  # warm-up
                results[name] = self._load(wrk, script, base + path, seconds, connections, headers)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=20)
            shutil.rmtree(folder, ignore_errors=True)
        result = {
            "benchmark": "http_mission_list",
            "database": connection.vendor,
            "gunicorn_workers": workers,
            "connections": connections,
            "seconds": seconds,
            "cache": "redis" if env.get("REDIS_URL") else "local memory",
            "missions_rps": results["missions"]["rps"],
            "bare_rps": results["bare"]["rps"],
            "ratio": round(results["missions"]["rps"] / results["bare"]["rps"], 3),
            "missions_p50_ms": results["missions"]["p50_ms"],
            "missions_p95_ms": results["missions"]["p95_ms"],
            "missions_p99_ms": results["missions"]["p99_ms"],
            "figures_rps": results["figures"]["rps"],
            "figures_ratio": round(results["figures"]["rps"] / results["bare"]["rps"], 3),
            "figures_p95_ms": results["figures"]["p95_ms"],
            "bare_p95_ms": results["bare"]["p95_ms"],
            "api_placements_rps": results["api_placements"]["rps"],
            "api_placements_ratio": round(
                results["api_placements"]["rps"] / results["bare"]["rps"], 3
            ),
            "api_placements_p95_ms": results["api_placements"]["p95_ms"],
            "api_placements_per_page": listed,
            "mission_list_first_visit_bytes": weight["total"],
            "mission_list_parts": weight["parts"],
        }
        self.stdout.write(
            f"/missions/: {result['missions_rps']} req/s (p95 {result['missions_p95_ms']} ms); "
            f"/chiffres/: {result['figures_rps']} req/s (p95 {result['figures_p95_ms']} ms); "
            f"/api/v1/placements: {result['api_placements_rps']} req/s "
            f"(p95 {result['api_placements_p95_ms']} ms, {listed} placements a page); "
            f"bare view: {result['bare_rps']} req/s; ratio {result['ratio']}. "
            f"First visit of /missions/: {weight['total']} bytes."
        )
        self.stdout.write(json.dumps(result))

    def _load(self, wrk, script, url, seconds, connections, headers=()) -> dict:
        extra = [part for header in headers for part in ("-H", header)]
        output = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), *extra, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if errors:
            raise CommandError(f"{url}: {errors.group(1)} error responses under load")
        result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
        for name, value in re.findall(r"(p\d+_ms) ([\d.]+)", output):
            result[name] = float(value)
        return result

    def _first_visit_weight(self, base) -> dict:
        """Bytes transferred for /missions/ and every asset it links to, as a browser that
        accepts gzip gets them on a first visit (empty cache)."""
        parts = {}
        request = urllib.request.Request(base + "/missions/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            body = response.read()
            parts["/missions/"] = len(body)
        html = body.decode() if response.headers.get("Content-Encoding") != "gzip" else ""
        for asset in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))):
            request = urllib.request.Request(base + asset, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request) as response:
                parts[asset] = len(response.read())
        return {"total": sum(parts.values()), "parts": parts}
