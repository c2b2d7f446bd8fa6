"""Deadline night (issue 18, item 4): the last hour of a call, under load.

N volunteers, already signed in, open a call that closes soon, save a draft application, upload
a document and submit it, while a few staff members page through the call's applications and a
real Celery worker (on Redis) checks the eligibility of each submission. The portal runs on
gunicorn with production settings; the load comes from Locust (benchmarks/deadline/locustfile.py).

The call, its missions, the volunteers (complete profiles, experiences, identity documents) and
the staff are seeded once and reused; each run starts from no application. Prints requests per
second, p50/p95/p99 per page, failures (target 0), and the seconds from the last submission to
the last eligibility report written; the last line is a JSON object.
"""

import contextlib
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP
from anvt.celery import app
from missions.enums import Direction, MissionStatus
from missions.management.commands.bench_http import free_port, wait_until_up
from missions.models import Application, Call, EligibilityReport, Mission, Theme
from notifications.models import Notification
from partners.enums import OrganisationKind
from partners.models import PartnerOrganisation
from volunteers.enums import DocumentKind
from volunteers.models import Document, Experience, ProfileLanguage, VolunteerProfile

ROOT = Path(settings.BASE_DIR)
LOCUSTFILE = ROOT / "benchmarks" / "deadline" / "locustfile.py"
BENCH_CALL = "Banc d'essai — nuit de l'échéance"
MISSIONS = 6
VOLUNTEER_EMAIL = "deadline-volunteer-{:05d}@bench.invalid"
STAFF_EMAIL = "deadline-staff-{:02d}@bench.invalid"
# What each volunteer uploads during the run; the seeded file lacks it, so it counts.
UPLOADED = DocumentKind.MOTIVATION_LETTER
SENTINEL = 987654321  # a number no object has: URL templates are reversed with it
BATCH = 1000


def run_seconds(value: str) -> int:
    """Locust's --run-time ("90", "120s", "2m", "1h30m") in seconds."""
    if value.isdigit():
        return int(value)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", value.strip())
    if not value.strip() or parts is None:
        raise CommandError(f"--run-time: {value!r} is not a duration such as 120s, 2m or 1h30m.")
    hours, minutes, seconds = (int(part or 0) for part in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


def url_template(name: str) -> str:
    return reverse(name, args=[SENTINEL]).replace(str(SENTINEL), "{id}")


def queues() -> list[str]:
    """The queues the project's tasks are routed to (task_routes, task_queues) and the default
    one; empty when nothing is routed (a worker then consumes the default queue)."""
    conf = app.conf
    names = set()
    routers = conf.task_routes or ()
    for router in [routers] if isinstance(routers, dict) else routers:
        if isinstance(router, dict):
            routes = router.values()
        elif isinstance(router, list | tuple):  # [(pattern, route), ...]
            routes = [route for _pattern, route in router]
        else:
            continue  # a router function or class: its queues cannot be read
        for route in routes:
            queue = route.get("queue") if isinstance(route, dict) else route
            if queue:
                names.add(getattr(queue, "name", queue))
    names |= {getattr(queue, "name", queue) for queue in conf.task_queues or ()}
    if names:
        names.add(conf.task_default_queue)
    return sorted(str(name) for name in names)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'] or '', safe='')}{password}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Command(BaseCommand):
    help = (
        "Load test of a call's last hour: volunteers submitting, staff reading, a worker checking."
    )

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", type=int, default=300)
        parser.add_argument("--staff", type=int, default=3)
        parser.add_argument(
            "--run-time", default="180s", help="Locust's limit; the run ends once all have applied"
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--spawn-rate", type=float, default=None, help="users started per second"
        )
        parser.add_argument(
            "--report-timeout",
            type=int,
            default=300,
            help="seconds to wait, after the load, for the last eligibility report",
        )

    def handle(
        self,
        *args,
        volunteers: int,
        staff: int,
        run_time: str,
        workers: int,
        spawn_rate: float | None,
        report_timeout: int,
        **options,
    ):
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "CELERY_BROKER_URL is not set: the deadline benchmark needs a real broker and "
                "worker (e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/2, as `make bench` sets)."
            )
        if connection.vendor != "postgresql":
            raise CommandError("The deadline benchmark needs PostgreSQL (DATABASE_URL).")
        locust = Path(sys.executable).with_name("locust")
        if not locust.exists():
            raise CommandError(f"Locust is missing: {sys.executable} -m pip install -e '.[bench]'")
        if volunteers < 1 or staff < 1:
            raise CommandError("--volunteers and --staff must be at least 1.")
        seconds = run_seconds(run_time)
        users = volunteers + staff
        # Everyone arrives within ten seconds or so: the rush of the last minutes.
        rate = spawn_rate or max(users / 10, min(users, 20))

        call = self._call(closes_at=timezone.now() + timedelta(seconds=max(3600, seconds + 900)))
        people = self._volunteers(volunteers)
        team = self._staff(staff, call)
        self._reset(call, people + team)

        folder = Path(tempfile.mkdtemp(prefix="anvt-deadline-"))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = self._environment(folder)
        sessions = self._sessions(people) + self._sessions(team)
        plan = folder / "plan.json"
        plan.write_text(json.dumps(self._plan(call, sessions[:volunteers], sessions[volunteers:])))
        processes: dict[str, subprocess.Popen] = {}
        keep_logs = True  # until the run ends well
        try:
            processes["worker"] = self._worker(env, folder)
            env["STATIC_ROOT"] = str(self._static(env))
            processes["gunicorn"] = self._gunicorn(env, folder, port, workers)
            wait_until_up(base, processes["gunicorn"], f"; see {folder}")
            consumed = ", ".join(queues()) or "the default queue"
            self.stdout.write(
                f"Deadline night: {volunteers} volunteers and {staff} staff on {base} "
                f"({workers} gunicorn workers, a Celery worker on {consumed})…"
            )
            with (folder / "locust.log").open("wb") as log:
                processes["locust"] = subprocess.Popen(
                    [
                        str(locust),
                        "-f",
                        str(LOCUSTFILE),
                        "--headless",
                        "-u",
                        str(users),
                        "-r",
                        str(rate),
                        "--run-time",
                        f"{seconds}s",
                        "--host",
                        base,
                        "--csv",
                        str(folder / "deadline"),
                        "--only-summary",
                    ],
                    cwd=ROOT,
                    env={**os.environ, "DEADLINE_PLAN": str(plan), "HOME": str(folder)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                processes["locust"].wait(timeout=seconds + 120)
            stats = folder / "deadline_stats.csv"
            if not stats.exists():
                raise CommandError(f"Locust wrote no statistics; see {folder / 'locust.log'}")
            pages, total = self._read_stats(stats)
            errors = self._read_errors(folder)
            outcome = self._wait_for_reports(call, processes["worker"], report_timeout)
            keep_logs = bool(total["failures"] or errors or outcome["missing"])
        finally:
            for name in ("locust", "gunicorn", "worker"):
                if name in processes:
                    self._stop(processes[name])
            store = import_module(settings.SESSION_ENGINE).SessionStore()
            for key in sessions:
                store.delete(key)
            Notification.objects.filter(user__in=people + team).delete()
            shutil.rmtree(folder / "private", ignore_errors=True)
            plan.unlink(missing_ok=True)
            if not keep_logs:
                shutil.rmtree(folder, ignore_errors=True)

        result = {
            "benchmark": "deadline_night",
            "volunteers": volunteers,
            "staff": staff,
            "run_seconds": total["seconds"],
            "requests": total["requests"],
            "failures": total["failures"],
            "rps": total["rps"],
            "pages": pages,
            "submitted": outcome["submitted"],
            "reports": outcome["reports"],
            "last_submission_to_last_report_seconds": outcome["lag"],
            "errors": errors,
        }
        for name, page in pages.items():
            self.stdout.write(
                f"  {name}: {page['requests']} requests, {page['failures']} failed, "
                f"p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, p99 {page['p99_ms']} ms"
            )
        for error in errors:
            self.stderr.write(f"  failed: {error['name']}: {error['error']} ({error['count']}x)")
        if keep_logs:
            self.stderr.write(f"  server, worker and Locust logs kept in {folder}")
        self.stdout.write(
            f"Deadline night: {total['requests']} requests in {total['seconds']} s "
            f"({total['rps']} req/s), {total['failures']} failed; {outcome['submitted']} "
            f"submitted, {outcome['reports']} eligibility reports, the last "
            f"{outcome['lag']} s after the last submission."
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    # Data ----------------------------------------------------------------------------------------

    def _call(self, *, closes_at) -> Call:
        """The bench call, open for a month and closing in the hour (or after the run)."""
        opens_at = timezone.now() - timedelta(days=30)
        call = Call.objects.filter(title=BENCH_CALL).first()
        if call is not None:
            Call.objects.filter(pk=call.pk).update(opens_at=opens_at, closes_at=closes_at)
            return Call.objects.get(pk=call.pk)
        theme = Theme.objects.order_by("pk").first() or Theme.objects.create(
            slug="bench", name_fr="Banc d'essai", name_en="Bench"
        )
        partner, _created = PartnerOrganisation.objects.get_or_create(
            name="Partenaire de la nuit de l'échéance",
            defaults={"kind": OrganisationKind.HOST_STRUCTURE, "country": "FR"},
        )
        starts = timezone.localdate() + timedelta(days=120)
        missions = Mission.objects.bulk_create(
            Mission(
                title=f"Mission de la nuit de l'échéance n° {n}",
                description="Animation d'ateliers avec les jeunes du quartier. " * 6,
                theme=theme,
                direction=Direction.OUTGOING,
                partner=partner,
                country=("FR", "BE", "SN")[n % 3],
                city="Lyon",
                start_date=starts + timedelta(days=7 * n),
                end_date=starts + timedelta(days=7 * n + 280),
                status=MissionStatus.PUBLISHED,
            )
            for n in range(1, MISSIONS + 1)
        )
        call = Call.objects.create(title=BENCH_CALL, opens_at=opens_at, closes_at=closes_at)
        call.missions.set(missions)
        return call

    def _volunteers(self, count: int) -> list:
        """The first `count` bench volunteers, created when missing, each with a complete profile,
        two experiences (36 months), a passport, a CV and an experience certificate."""
        User = get_user_model()
        emails = [VOLUNTEER_EMAIL.format(n) for n in range(count)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        missing = [n for n, email in enumerate(emails) if email not in existing]
        for start in range(0, len(missing), BATCH):
            with transaction.atomic():
                self._seed_volunteers(missing[start : start + BATCH])
        users = User.objects.in_bulk(emails, field_name="email")
        return [users[email] for email in emails]

    def _seed_volunteers(self, numbers: list[int]) -> None:
        users = get_user_model().objects.bulk_create(
            get_user_model()(email=VOLUNTEER_EMAIL.format(n), password=make_password(None))
            for n in numbers
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        now, today = timezone.now(), timezone.localdate()
        profiles = VolunteerProfile.objects.bulk_create(
            VolunteerProfile(
                user=user,
                first_name="Échéance",
                last_name=f"Volontaire {n}",
                # 22 or 23 years old; one in ten is 29 or 30, too old for the call (a mix of
                # outcomes).
                birth_date=date(today.year - (30 if n % 10 == 9 else 23), 1 + n % 12, 10),
                gender="female" if n % 2 else "male",
                nationality_status="togolese_resident",
                country_of_residence="TG",
                region="grand_lome",
                city="Lomé",
                phone=f"+2289{user.pk % 10_000_000:07d}",
                education_level="baccalaureate",
                consent_at=now,
            )
            for n, user in zip(numbers, users, strict=True)
        )
        ProfileLanguage.objects.bulk_create(
            ProfileLanguage(profile=profile, language=language, level="B2")
            for profile in profiles
            for language in ("fr", "ee")
        )
        Experience.objects.bulk_create(
            Experience(
                volunteer=user,
                organisation="ANVT — volontariat national",
                start_date=start,
                end_date=start + timedelta(days=547),
            )
            for user in users
            for start in (date(2022, 1, 1), date(2023, 9, 1))
        )
        Document.objects.bulk_create(
            Document(
                volunteer=user,
                kind=kind,
                file=f"bench/deadline-{user.pk}-{kind}.pdf",
                original_name=f"{kind}.pdf",
                content_type="application/pdf",
                size=1000,
                expiry_date=today + timedelta(days=5 * 365)
                if kind == DocumentKind.PASSPORT
                else None,
            )
            for user in users
            for kind in (
                DocumentKind.PASSPORT,
                DocumentKind.CV,
                DocumentKind.EXPERIENCE_CERTIFICATE,
            )
        )

    def _staff(self, count: int, call: Call) -> list:
        """A programme manager and reviewers of the call, with two-factor authentication."""
        User = get_user_model()
        managers = Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)[0]
        reviewers = Group.objects.get_or_create(name=REVIEWERS_GROUP)[0]
        team = []
        for n in range(count):
            user, created = User.objects.get_or_create(
                email=STAFF_EMAIL.format(n),
                defaults={"name": f"Équipe {n}", "password": make_password(None)},
            )
            if created:
                user.groups.add(managers if n == 0 else reviewers)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, generate_totp_secret())
            if n:
                call.reviewers.add(user)
            team.append(user)
        return team

    def _reset(self, call: Call, users: list) -> None:
        """Back to the evening before: no application to the call, no uploaded letter, no
        message. (Audit rows of earlier runs stay: the trail is append-only.)"""
        with transaction.atomic():
            Application.objects.filter(call=call).delete()
            Document.objects.filter(
                volunteer__email__startswith="deadline-volunteer-", kind=UPLOADED
            ).delete()
            Notification.objects.filter(user__in=users).delete()

    def _sessions(self, users: list) -> list[str]:
        """A signed-in session per user, as django.contrib.auth.login writes it. The server
        shares this process's SECRET_KEY (see _environment), so it reads them as its own."""
        engine = import_module(settings.SESSION_ENGINE)
        keys = []
        for user in users:
            session = engine.SessionStore()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            keys.append(session.session_key)
        return keys

    def _plan(self, call: Call, volunteers: list[str], staff: list[str]) -> dict:
        """What the locustfile needs: the call, the portal's addresses, the cookies' names and a
        session per user."""
        staff_list = reverse("staff:applications")
        return {
            "call": call.pk,
            "max_choices": call.max_choices,
            "document_kind": UPLOADED,
            "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
            "urls": {
                "call": reverse("missions:call", args=[call.pk]),
                "apply": reverse("volunteers:apply", args=[call.pk]),
                "missions": url_template("volunteers:application_missions"),
                "motivation": url_template("volunteers:application_motivation"),
                "review": url_template("volunteers:application_review"),
                "application": url_template("volunteers:application"),
                "documents": reverse("volunteers:documents"),
                "staff_list": f"{staff_list}?call={call.pk}",
                "staff_list_path": staff_list,
                "staff_application": url_template("staff:application"),
            },
            "volunteers": volunteers,
            "staff": staff,
        }

    # Processes -----------------------------------------------------------------------------------

    def _environment(self, folder: Path) -> dict:
        """Production settings on loopback, plain HTTP; the secrets are this process's, so that
        the sessions and two-factor secrets it writes are valid for the server and the worker."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "anvt.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "MFA_ENCRYPTION_KEYS": ",".join(settings.MFA_ENCRYPTION_KEYS),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "PRIVATE_ROOT": str(folder / "private"),
            "EMAIL_FILE_PATH": str(folder / "mails"),
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "plain",
            "HOME": str(folder),
        }

    def _worker(self, env: dict, folder: Path) -> subprocess.Popen:
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery), "-A", "anvt", "worker", "--pool=prefork", "--concurrency=1"]
        command += ["-l", "warning", "-n", f"deadline-{os.getpid()}@%h"]
        command += ["--without-gossip", "--without-mingle"]
        if names := queues():
            command += ["-Q", ",".join(names)]
        with (folder / "worker.log").open("ab") as log:
            return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)

    def _static(self, env: dict) -> Path:
        """Production pages need WhiteNoise's manifest of hashed, compressed files. Collecting
        takes about ten seconds, so it is done once per version of the sources, under var/."""
        version = hashlib.sha256()
        for finder in finders.get_finders():
            for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
                stat = os.stat(storage.path(path))
                version.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        parent = ROOT / "var" / "bench-static"
        root = parent / version.hexdigest()[:16]
        if (root / "staticfiles.json").exists():
            return root
        partial = parent / f"{root.name}.{os.getpid()}.partial"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(partial)},
            check=True,
        )
        try:
            partial.rename(root)
        except OSError:  # another run collected the same version meanwhile
            shutil.rmtree(partial, ignore_errors=True)
        for old in parent.iterdir():
            if old != root and "." not in old.name:
                shutil.rmtree(old, ignore_errors=True)
        return root

    def _gunicorn(self, env: dict, folder: Path, port: int, workers: int) -> subprocess.Popen:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with (folder / "gunicorn.log").open("ab") as log:
            return subprocess.Popen(
                [
                    str(gunicorn),
                    "anvt.wsgi",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        """SIGTERM (gunicorn and Celery shut down warmly), then SIGKILL to whatever is left of
        the process and its children."""
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pid in map(int, children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    # Figures -------------------------------------------------------------------------------------

    def _read_stats(self, path: Path) -> tuple[dict, dict]:
        def number(value: str) -> float | None:
            return None if value in ("", "N/A") else round(float(value), 1)

        pages, total = {}, {}
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                figures = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": number(row["50%"]),
                    "p95_ms": number(row["95%"]),
                    "p99_ms": number(row["99%"]),
                }
                if row["Name"] == "Aggregated":
                    rps = float(row["Requests/s"])
                    total = {
                        **figures,
                        "rps": round(rps, 1),
                        "seconds": round(figures["requests"] / rps, 1) if rps else None,
                    }
                else:
                    pages[row["Name"]] = figures
        return pages, total

    def _read_errors(self, folder: Path) -> list[dict]:
        errors = []
        failures = folder / "deadline_failures.csv"
        if failures.exists():
            with failures.open(newline="") as handle:
                errors += [
                    {"name": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
                    for row in csv.DictReader(handle)
                ]
        exceptions = folder / "deadline_exceptions.csv"
        if exceptions.exists():
            with exceptions.open(newline="") as handle:
                errors += [
                    {"name": "exception", "error": row["Message"], "count": int(row["Count"])}
                    for row in csv.DictReader(handle)
                ]
        return errors

    def _wait_for_reports(self, call: Call, worker: subprocess.Popen, timeout: int) -> dict:
        """Waits until every submitted application of the call has its eligibility report."""
        submitted = Application.objects.filter(call=call, submitted_at__isnull=False)
        reports = EligibilityReport.objects.filter(application__in=submitted)
        deadline = time.monotonic() + timeout
        while reports.count() < submitted.count():
            if time.monotonic() > deadline or worker.poll() is not None:
                break
            time.sleep(0.5)
        count, written = submitted.count(), reports.count()
        last_submission = submitted.aggregate(last=Max("submitted_at"))["last"]
        last_report = reports.aggregate(last=Max("ran_at"))["last"]
        lag = None
        if written == count and last_submission and last_report:
            lag = round((last_report - last_submission).total_seconds(), 2)
        return {"submitted": count, "reports": written, "missing": count - written, "lag": lag}
