"""Public pages served from the cache to anonymous visitors (issue 18).

On the last night of a call thousands of young people open the catalogue and the call on slow
phones: the page each of them gets is the same for every anonymous visitor who reads the same
language. `public_page` keeps that page, per path (query string included) and language, and
serves it without a query or a template, with an ETag and a Last-Modified date so that a phone
that has it already gets a 304 and no body.

What is kept is never anyone's own page: only GET/HEAD requests of visitors who are not signed
in and have no message waiting, only 200 responses that set no cookie (a page that asked for a
CSRF token, or changed the session, is not kept). Signed-in people always get their page built
for them.

A kept page is dropped:
- when what public pages show changes: `invalidate()`, which `missions.signals` calls when a
  mission, a call, a theme or a partner is saved or deleted. It changes one stamp that every
  entry is compared with, so one write drops every page, in every process;
- when the view said its content changes by the clock (`until`: the next opening or closing of a
  call, for pages that list open calls);
- after `PUBLIC_CACHE_SECONDS` in any case, the safety net for a change made behind the ORM's
  back (a raw SQL update).

The cache must be shared by every process (Redis in production, `REDIS_URL`): with the default
local-memory cache each process keeps, and drops, its own pages.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

STAMP_KEY = "public-pages:stamp"


def invalidate() -> None:
    """Drop every kept page: a new stamp no kept page carries."""
    cache.set(STAMP_KEY, time.time_ns(), None)


def stamp(current=None) -> int:
    """The stamp of what public pages show now: fragments kept in templates add it to their key
    (`{% cache … public_stamp %}`) to be dropped with the pages."""
    if current is None:
        current = cache.get(STAMP_KEY)
    if current is None:  # first use, or the cache was flushed: start a stamp no old page has
        cache.add(STAMP_KEY, time.time_ns(), None)
        current = cache.get(STAMP_KEY)
    return current


def _stamp_of(found: dict) -> int:
    return stamp(found.get(STAMP_KEY))


def _anonymous(request) -> bool:
    """Not signed in, and no message waiting to be shown, checked without a query when the
    visitor has no session."""
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.is_authenticated:
        return False
    return not len(messages.get_messages(request))


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{get_language()}:{path}"


def _finish(request, response: HttpResponse) -> HttpResponse:
    # Browsers may keep it, but must ask again (a 304 when unchanged); shared caches must not,
    # since signed-in people get another page at the same address.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def public_page(view=None, *, until: Callable[[], datetime | None] | None = None):
    """Serve `view` from the cache to anonymous visitors. `until` returns the moment its
    content changes by itself (or None), read when the page is built."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not _anonymous(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            found = cache.get_many([STAMP_KEY, key])
            stamp = _stamp_of(found)
            entry = found.get(key)
            if entry and entry["stamp"] == stamp and time.time() < entry["expires"]:
                response = HttpResponse(entry["content"], content_type=entry["content_type"])
                response["ETag"] = entry["etag"]
                response["Last-Modified"] = http_date(entry["built"])
                return _finish(
                    request,
                    get_conditional_response(
                        request,
                        etag=entry["etag"],
                        last_modified=entry["built"],
                        response=response,
                    ),
                )

            response = view(request, *args, **kwargs)
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or request.session.modified
            ):
                return response
            built = int(time.time())
            lifetime = settings.PUBLIC_CACHE_SECONDS
            changes = until() if until else None
            if changes is not None:
                lifetime = min(lifetime, max(0, changes.timestamp() - built))
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            if lifetime > 0:
                cache.set(
                    key,
                    {
                        "stamp": stamp,
                        "expires": built + lifetime,
                        "built": built,
                        "etag": etag,
                        "content": response.content,
                        "content_type": response["Content-Type"],
                    },
                    int(lifetime) + 1,
                )
            response["ETag"] = etag
            response["Last-Modified"] = http_date(built)
            return _finish(
                request,
                get_conditional_response(
                    request, etag=etag, last_modified=built, response=response
                ),
            )

        return wrapped

    return decorator(view) if view is not None else decorator
