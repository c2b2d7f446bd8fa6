import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anvt.settings")

app = Celery("anvt")
app.config_from_object("django.conf:settings", namespace="CELERY")
if not app.conf.broker_url:
    # No broker configured: tasks run eagerly (CELERY_TASK_ALWAYS_EAGER); nothing is sent.
    app.conf.broker_url = "memory://"
app.autodiscover_tasks()


def delay_on_commit(task, **kwargs) -> None:
    """Queue a task once the current transaction commits. If the broker is down, the error is
    logged and the work is left to the periodic jobs that pick up what was not done."""
    # anvt/__init__ imports this module before Django's settings are read: imported at call time.
    from django.db import transaction

    transaction.on_commit(lambda: task.delay(**kwargs), robust=True)
