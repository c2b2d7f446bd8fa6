"""Real Celery worker processes for the fault tests: started on the test's own database and
queue, stopped (or killed) without leaving any behind."""

import os
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def worker_environment(broker: str, **extra: str) -> dict:
    """The environment of a worker on this test's database (real settings, not the tests')."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anvt.settings",
        "DJANGO_DEBUG": "1",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        **extra,
    }


def start_worker(env: dict, log: Path, *, pool: str = "solo") -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    command = [celery, "-A", "anvt", "worker", f"--pool={pool}", "--loglevel=INFO"]
    if pool == "prefork":
        command.append("--concurrency=1")
    with log.open("ab") as output:
        return subprocess.Popen(
            [*command, "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def kill_with_children(process: subprocess.Popen) -> None:
    """SIGKILL to the worker and its pool children, as when a machine stops."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in [process.pid, *map(int, children)]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
