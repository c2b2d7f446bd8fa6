"""HTTP helpers shared by every space of the portal: private files and CSV downloads.

They know nothing of the domain; views pass them what to send.
"""

import csv
import time
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from anvt.errors import Refused


@dataclass(frozen=True)
class NextStep:
    """The one thing to do now, at the top of a space (templates/includes/next_step.html):
    what, why or by when, where, and the button's label; `done` when it is a state to read
    rather than a task."""

    title: str
    detail: str
    url: str
    action: str
    done: bool = False


def absolute_url(path: str) -> str:
    """A path of the portal as a link for a message: the configured public address (SITE_URL),
    never the host a request happened to use."""
    return f"{settings.SITE_URL}{path}"


def act(request, action, success) -> bool:
    """Run one user action (a callable that calls a service); show its refusal as it is, or the
    `success` message (a text, or a callable giving it once the action ran)."""
    try:
        action()
    except Refused as refusal:
        messages.error(request, refusal.message)
        return False
    messages.success(request, success() if callable(success) else success)
    return True


def valid(form, refusal: str) -> dict:
    """The form's clean values, or a refusal with this message (for `act` to show)."""
    if not form.is_valid():
        raise Refused(refusal)
    return form.cleaned_data


def private_file_response(field_file, name: str, content_type: str | None = None, *, inline=False):
    """A private file that no cache keeps and no browser sniffs; an attachment unless shown
    inline (staff's preview)."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=not inline, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_bytes_response(content: bytes, content_type: str):
    """Private bytes made for one person (a preview): shown inline, never cached nor sniffed."""
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Echo:
    def write(self, value):
        return value


# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet will show as text: a leading quote disarms a formula. Numbers,
    dates and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])  # BOM: Excel's accents
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    """A CSV download streamed row by row, never cached, every text cell disarmed of formulas
    (every CSV the portal writes goes through here)."""
    response = StreamingHttpResponse(
        _csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def over_limit(request, scope: str, *, limit: int, seconds: int) -> bool:
    """True once this client (its address) has made more than `limit` requests of `scope` in
    the current window of `seconds`: a fixed window in the shared cache, cheap and good enough
    to slow down guessing (a failing cache lets the request through)."""
    window = int(time.time()) // seconds
    # The client's address as allauth reads it behind our trusted proxies, not the proxy's.
    key = f"limit:{scope}:{get_adapter().get_client_ip(request)}:{window}"
    try:
        if cache.add(key, 1, timeout=seconds):
            return False
        return cache.incr(key) > limit
    except Exception:
        return False


def pdf_response(content: bytes, name: str) -> HttpResponse:
    """A PDF made for its reader (a certificate): downloaded, never kept by a shared cache."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
