"""In whose name the current request acts, when not only its user's: a partner's API token.
`workflow.transition` writes it as the context of the status changes it records."""

from contextlib import contextmanager
from contextvars import ContextVar

_acting_for: ContextVar[str] = ContextVar("anvt_acting_for", default="")


@contextmanager
def request_scope():
    """Around one request (api.middleware): whatever it sets is undone when it ends, set and
    reset in the same frame, so that nothing outlives the request under WSGI or ASGI."""
    token = _acting_for.set("")
    try:
        yield
    finally:
        _acting_for.reset(token)


def act_for(label: str) -> None:
    """For the rest of the request (inside `request_scope`)."""
    _acting_for.set(label[:200])


def current() -> str:
    return _acting_for.get()
