"""In whose name the current request acts, when not only its user's: a partner's API token.
`workflow.transition` writes it as the context of the status changes it records."""

from contextlib import contextmanager
from contextvars import ContextVar

_acting_for: ContextVar[str] = ContextVar("anvt_acting_for", default="")


@contextmanager
def acting_for(label: str):
    token = _acting_for.set(label[:200])
    try:
        yield
    finally:
        _acting_for.reset(token)


def begin(request, label: str) -> None:
    """For the rest of this request (until `end(request)`, called by the API's middleware)."""
    request._anvt_acting_for = _acting_for.set(label[:200])


def end(request) -> None:
    token = getattr(request, "_anvt_acting_for", None)
    if token is not None:
        _acting_for.reset(token)
        del request._anvt_acting_for


def current() -> str:
    return _acting_for.get()
