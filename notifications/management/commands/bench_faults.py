"""Fault benchmark of the outbox: N pending e-mails drained by two real workers while one is
killed with SIGKILL and the broker is killed and started again.

The broker is a Redis the benchmark starts itself on a free port (never the machine's); the
workers, a beat and the SMTP stand-in (Django's file backend, one file per connection) are real
processes on the configured database. Prints sent, lost, duplicated, and the seconds from the
last fault to the last delivery (targets: 0 lost, 0 duplicated, at most 90 s), then a JSON line.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from kombu import Connection

from notifications.models import Channel, Notification, State
from notifications.services import BATCH_SIZE, Message, render

ROOT = Path(settings.BASE_DIR)
HEADER = re.compile(r"^X-ANVT-Notification: (\d+)$", re.M)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Drain N e-mails through two workers while a worker and the broker are killed."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1200)
        parser.add_argument("--timeout", type=int, default=300)

    def handle(self, *args, count: int, timeout: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The fault benchmark needs PostgreSQL (DATABASE_URL).")
        if not shutil.which("redis-server"):
            raise CommandError("The fault benchmark starts its own Redis: install redis-server.")
        work = Path(tempfile.mkdtemp(prefix="anvt-faults-"))
        port = _free_port()
        broker = f"redis://127.0.0.1:{port}/0"
        processes: dict[str, subprocess.Popen] = {}
        try:
            processes["redis"] = self._redis(port, work)
            ids = self._pending(count)
            env = self._environment(broker, work)
            processes["worker-1"] = self._celery(["worker", "-n", "one@%h"], env, work)
            processes["worker-2"] = self._celery(["worker", "-n", "two@%h"], env, work)
            processes["beat"] = self._celery(
                ["beat", "--schedule", str(work / "beat-schedule")], env, work
            )
            self._queue(broker, ids)
            self._wait(lambda: self._sent(ids) >= count // 5, 120)

            self.stdout.write("fault 1: worker one killed with SIGKILL (pool child too)")
            self._kill_tree(processes.pop("worker-1"))
            self.stdout.write("fault 2: the broker killed, then started again (queued tasks lost)")
            processes["redis"].kill()
            processes["redis"].wait()
            time.sleep(2)
            processes["redis"] = self._redis(port, work)
            last_fault = time.monotonic()

            finished = self._wait(lambda: self._sent(ids) >= count, timeout)
            recovery = time.monotonic() - last_fault if finished else None
        finally:
            for process in processes.values():
                self._kill_tree(process)
            time.sleep(0.5)
        delivered = Counter()
        for path in (work / "mails").glob("*"):
            delivered.update(int(n) for n in HEADER.findall(path.read_text(errors="replace")))
        shutil.rmtree(work, ignore_errors=True)
        result = {
            "count": count,
            "sent": self._sent(ids),
            "lost": sum(1 for pk in ids if delivered[pk] == 0),
            "duplicated": sum(1 for pk in ids if delivered[pk] > 1),
            "recovery_seconds": round(recovery, 1) if recovery is not None else None,
            "targets": {"lost": 0, "duplicated": 0, "recovery_seconds": 90},
        }
        Notification.objects.filter(pk__in=ids).delete()
        self.stdout.write(
            f"sent {result['sent']}/{count}, lost {result['lost']}, duplicated "
            f"{result['duplicated']}, last fault to last delivery: {result['recovery_seconds']} s"
        )
        self.stdout.write(json.dumps(result))

    def _pending(self, count: int) -> list[int]:
        user, _created = get_user_model().objects.get_or_create(
            email="bench-faults@example.tg", defaults={"name": "Bench"}
        )
        template = render(Message(user=user, event="account_created"), Channel.EMAIL)
        rows = [
            Notification(
                user=user,
                event=template.event,
                channel=Channel.EMAIL,
                language=template.language,
                subject=template.subject,
                body=template.body,
                body_html=template.body_html,
                state=State.PENDING,
            )
            for _ in range(count)
        ]
        return [row.pk for row in Notification.objects.bulk_create(rows, batch_size=1000)]

    def _environment(self, broker: str, work: Path) -> dict:
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        (work / "mails").mkdir()
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "anvt.settings",
            "DJANGO_DEBUG": "1",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"postgres://{db['USER']}{password}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker,
            "EMAIL_FILE_PATH": str(work / "mails"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        }

    def _redis(self, port: int, work: Path) -> subprocess.Popen:
        process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(work),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait(lambda: self._answers(port), 10)
        return process

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _celery(self, arguments: list[str], env: dict, work: Path) -> subprocess.Popen:
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery), "-A", "anvt", *arguments, "--loglevel=WARNING"]
        if arguments[0] == "worker":
            command += ["--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle"]
        log = (work / "celery.log").open("ab")
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    @staticmethod
    def _queue(broker: str, ids: list[int]) -> None:
        sender = Celery("bench-faults", set_as_current=False)
        with Connection(broker) as queue:
            for start in range(0, len(ids), BATCH_SIZE):
                sender.send_task(
                    "notifications.tasks.send_notifications",
                    kwargs={"notification_ids": ids[start : start + BATCH_SIZE]},
                    connection=queue,
                )
        sender.close()

    @staticmethod
    def _sent(ids: list[int]) -> int:
        return Notification.objects.filter(pk__in=ids, state=State.SENT).count()

    @staticmethod
    def _wait(check, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.5)
        return False

    @staticmethod
    def _kill_tree(process: subprocess.Popen) -> None:
        if process.poll() is not None:
            return
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in [process.pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
