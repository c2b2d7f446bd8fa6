"""Every benchmark of the project in one run, on the seeded large data set; writes
benchmarks/results/latest.json and latest.md (PRODUCT section 9, issue 8)."""

import io
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.management.commands.bench_eligibility import BENCH_CALL
from missions.models import Call
from reciprocity import funnel
from staff.management.commands.bench_staff import BENCH_MANAGER

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "results"


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


class Command(BaseCommand):
    help = "Run every benchmark and write benchmarks/results/latest.json and latest.md."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=50_000)
        parser.add_argument("--notifications", type=int, default=10_000)
        parser.add_argument("--http-seconds", type=int, default=10)
        parser.add_argument("--volunteers", type=int, default=300)

    def handle(self, *args, applications, notifications, http_seconds, volunteers, **options):
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "database": connection.vendor,
        }
        for key, command, kwargs in (
            ("eligibility", "bench_eligibility", {"applications": applications}),
            ("staff_list", "bench_staff", {"applications": applications}),
            ("readiness", "bench_readiness", {"applications": applications}),
            ("notifications", "bench_notifications", {"count": notifications}),
            ("http", "bench_http", {"seconds": http_seconds}),
            ("faults", "bench_faults", {"count": 1200}),
            ("deadline", "bench_deadline", {"volunteers": volunteers}),
        ):
            self.stdout.write(f"== {command}")
            output = io.StringIO()
            call_command(command, stdout=output, **kwargs)
            self.stdout.write(output.getvalue().strip().splitlines()[-2])
            results[key] = last_json(output.getvalue())
        results["queries_per_page"] = self.queries_per_page()
        results["figures_build"] = self.figures_build()
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n"
        )
        (RESULTS / "latest.md").write_text(markdown(results))
        self.stdout.write(markdown(results))

    def figures_build(self) -> dict:
        """The public figures of the year of the large call built without the cache: the median
        of five builds, and their queries."""
        year = Call.objects.get(title=BENCH_CALL).closes_at.year
        timings = []
        for _n in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                data = funnel.figures(year)
                timings.append(time.perf_counter() - start)
        applied = data["tables"][0].total[0]
        return {
            "year": year,
            "applications": applied,
            "median_ms": round(statistics.median(timings) * 1000, 1),
            "queries": len(queries),
        }

    def queries_per_page(self) -> dict[str, int]:
        """SQL queries of each list page, on the large data set."""
        call = Call.objects.get(title=BENCH_CALL)
        manager = get_user_model().objects.get(email=BENCH_MANAGER)
        volunteer = call.applications.select_related("volunteer").first().volunteer
        pages = {
            "public mission list": (None, reverse("missions:catalogue")),
            "public figures": (None, reverse("figures")),
            "staff applications (one call)": (
                manager,
                f"{reverse('staff:applications')}?call={call.pk}",
            ),
            "staff applications (all)": (manager, reverse("staff:applications")),
            "staff dashboard": (manager, reverse("staff:dashboard")),
            "staff outbox": (manager, reverse("staff:outbox")),
            "staff contingents": (manager, reverse("staff:contingents")),
            "volunteer applications": (volunteer, reverse("volunteers:applications")),
            "notifications": (volunteer, reverse("notifications:list")),
        }
        counts = {}
        for name, (user, url) in pages.items():
            client = Client(SERVER_NAME="localhost")
            if user:
                client.force_login(user)
            client.get(url)  # warm the session and caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            counts[name] = len(queries)
        return counts


def machine() -> str:
    """The processor, cores, memory, Python, and the versions of the database and of Redis."""
    meminfo, cpuinfo = Path("/proc/meminfo"), Path("/proc/cpuinfo")
    memory = ""
    if meminfo.exists():
        memory = f", {int(meminfo.read_text().split()[1]) / 1024 / 1024:.0f} GiB"
    cpu = platform.machine()
    if cpuinfo.exists():
        names = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if names:
            cpu = names[0].split(":", 1)[1].strip()
    services = []
    if connection.vendor == "postgresql":
        version = connection.pg_version
        services.append(f"PostgreSQL {version // 10000}.{version % 100}")
    if settings.CELERY_BROKER_URL.startswith("redis"):
        from redis import Redis

        info = Redis.from_url(settings.CELERY_BROKER_URL).info("server")
        services.append(f"Redis {info['redis_version']}")
    return (
        f"{platform.system()}, {cpu}, {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}, {', '.join(services)}"
    )


def markdown(r: dict) -> str:
    e, s, n, h, f, b, d = (
        r["eligibility"],
        r["staff_list"],
        r["notifications"],
        r["http"],
        r["faults"],
        r["readiness"],
        r["deadline"],
    )
    pages = r["queries_per_page"]
    targets = [
        (
            f"Eligibility re-check of a call of {e['applications']} applications, from scratch",
            f"{e['applications_per_second']} applications/s ({e['seconds']} s, "
            f"{e['queries_per_chunk']} queries per chunk of {e['chunk_size']})",
            "at least 5 000/s",
        ),
        (
            "The same on unchanged data (nothing written)",
            f"{e['unchanged_applications_per_second']} applications/s ({e['unchanged_seconds']} s)",
            "at least 10 000/s",
        ),
        (
            f"`/missions/` under gunicorn ({h['gunicorn_workers']} workers, "
            f"{h['connections']} connections, cache: {h['cache']}) against the bare view",
            f"ratio {h['ratio']} ({h['missions_rps']} vs {h['bare_rps']} req/s), "
            f"p95 {h['missions_p95_ms']} ms",
            "ratio at least 0.40, p95 at most 200 ms",
        ),
        (
            "Staff application list against the admin changelist, same filters, "
            f"{s['page_size']} rows",
            f"ratio {s['ratio']} ({s['ours_ms']} vs {s['admin_ms']} ms), "
            f"{s['ours_queries']} queries",
            "ratio at least 2, at most 10 queries",
        ),
        (
            "List pages on the large data set (below); every list page of every role in "
            "tests/anvt/test_list_queries.py",
            f"at most {max(pages.values())} queries",
            "at most 10, equal at 1 and 51 rows (asserted)",
        ),
        (
            f"Deadline night: {d['volunteers']} volunteers and {d['staff']} staff in "
            f"{d['run_seconds']} s, a real worker",
            f"{d['rps']} req/s, {d['failures']} errors in {d['requests']} requests; last "
            f"report {d['last_submission_to_last_report_seconds']} s after the last submission",
            "0 errors",
        ),
    ]
    others = [
        (
            f"Readiness board, {b['volunteers']} volunteers x {b['items_per_volunteer']} items",
            f"{b['board_ms']} ms (median of {b['requests']}), {b['board_queries']} queries",
            f"staff list beside it: {b['staff_list_ms']} ms, {b['staff_list_queries']} queries",
        ),
        (
            "Notification drain (real worker, Redis)",
            f"{n['count']} e-mails in {n['seconds']} s",
            f"{n['per_second']} per second, {n['queries_per_notification']} queries each",
        ),
        (
            "Outbox under faults (2 workers, one killed, the broker restarted)",
            f"{f['sent']}/{f['count']} sent, {f['lost']} lost, {f['duplicated']} duplicated",
            f"last fault to last delivery: {f['recovery_seconds']} s (target at most 90 s)",
        ),
        (
            f"Public figures (`/chiffres/`) under gunicorn, cache: {h['cache']}; built without "
            f"the cache on {r['figures_build']['applications']} applications",
            f"ratio {h['figures_ratio']} ({h['figures_rps']} vs {h['bare_rps']} req/s), "
            f"p95 {h['figures_p95_ms']} ms; one build {r['figures_build']['median_ms']} ms, "
            f"{r['figures_build']['queries']} queries",
            "queries constant (asserted in tests/reciprocity)",
        ),
        (
            f"Partner API: first page of placements (`/api/v1/placements`, "
            f"{h['api_placements_per_page']} a page, key checked, call audited, no rate limit)",
            f"ratio {h['api_placements_ratio']} ({h['api_placements_rps']} vs {h['bare_rps']} "
            f"req/s), p95 {h['api_placements_p95_ms']} ms",
            "beside the bare view (issue 22)",
        ),
        (
            "Mission list, first visit",
            f"{h['mission_list_first_visit_bytes']} bytes",
            "the page and its assets, gzip where served",
        ),
    ]
    lines = [
        f"# Benchmarks — {r['date']}",
        "",
        f"Machine: {r['machine']}; database: {r['database']}.",
        "",
        "| figure | measured | target (issue 18) |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in targets],
        "",
        "| benchmark | measure | figure |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in others],
        "",
        "| list page (large data set) | SQL queries |",
        "| --- | --- |",
        *[f"| {page} | {count} |" for page, count in pages.items()],
        "",
        f"Deadline night, per page ({d['requests']} requests, {d['rps']} req/s):",
        "",
        "| page | requests | errors | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- |",
        *[
            f"| {name} | {p['requests']} | {p['failures']} | {p['p50_ms']} | {p['p95_ms']} "
            f"| {p['p99_ms']} |"
            for name, p in d["pages"].items()
        ],
        "",
    ]
    return "\n".join(lines)
