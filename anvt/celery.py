import atexit
import logging
import os
from concurrent.futures import ThreadPoolExecutor

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anvt.settings")

logger = logging.getLogger(__name__)

app = Celery("anvt")
app.config_from_object("django.conf:settings", namespace="CELERY")
if not app.conf.broker_url:
    # No broker configured: tasks run eagerly (CELERY_TASK_ALWAYS_EAGER); nothing is sent.
    app.conf.broker_url = "memory://"
app.autodiscover_tasks()

# Tasks are handed to the broker by one background thread per process, so that a person never
# waits on the broker (down, or hung): their request ends as soon as its transaction commits.
# What the broker never got is picked up by the periodic jobs (pending messages, submissions
# without a report, stale eligibility batches).
_publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anvt-publish")
atexit.register(_publisher.shutdown, wait=True)


def _publish(task, kwargs: dict) -> None:
    try:
        task.delay(**kwargs)
    except Exception:
        logger.exception("could not queue %s: left to the periodic jobs", task.name)


def publish(task, **kwargs) -> None:
    """Queue a task without waiting on the broker (eager tasks run here and now)."""
    # A shared task is resolved against the caller's current app, here, not in the thread.
    task = task._get_current_object() if hasattr(task, "_get_current_object") else task
    if task.app.conf.task_always_eager:
        _publish(task, kwargs)
    else:
        _publisher.submit(_publish, task, kwargs)


def delay_on_commit(task, **kwargs) -> None:
    """Queue a task once the current transaction commits, in the background (see publish)."""
    # anvt/__init__ imports this module before Django's settings are read: imported at call time.
    from django.db import transaction

    transaction.on_commit(lambda: publish(task, **kwargs), robust=True)
