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
  back (a raw SQL update);
- with each deployment (the static files' manifest is in the key).

The cache must be shared by every process (Redis in production, `REDIS_URL`): with a local-memory
cache each process would keep, and drop, its own pages, so without `REDIS_URL` pages are kept
only in development (PUBLIC_CACHE_SECONDS is 0 otherwise). A page asked with query parameters the
view does not read is built, never kept, and a cache that does not answer serves the page built.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache as cache_function
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

STAMP_KEY = "public-pages:stamp"
# Headers of a kept response that say what it is (a download's name, who may read it): kept and
# sent again with it. Nothing about the visitor.
KEPT_HEADERS = ("Content-Disposition", "Access-Control-Allow-Origin")


def invalidate() -> None:
    """Drop every kept page: a new stamp no kept page carries. Callers inside a transaction also
    call it once committed (missions.public_pages), or a request served between the two would
    keep the page as it was under the new stamp."""
    try:
        cache.set(STAMP_KEY, time.time_ns(), None)
    except Exception:  # the cache is down: kept pages expire within PUBLIC_CACHE_SECONDS
        logger.exception("public pages: could not drop the kept pages")


def stamp(current=None) -> int:
    """The stamp of what public pages show now: fragments kept in templates add it to their key
    (`{% cache … public_stamp %}`) to be dropped with the pages."""
    try:
        if current is None:
            current = cache.get(STAMP_KEY)
        if current is None:  # first use, or the cache was flushed: a stamp no old page has
            cache.add(STAMP_KEY, time.time_ns(), None)
            current = cache.get(STAMP_KEY)
    except Exception:
        logger.exception("public pages: the cache does not answer")
        return 0
    return current


@cache_function
def _release() -> str:
    """What changes with each deployment: the hashed names of static files, which kept pages
    link to, so that no page outlives the files it names."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def _anonymous(request) -> bool:
    """Not signed in, and no message waiting to be shown, checked without a query when the
    visitor has no session."""
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.is_authenticated:
        return False
    return not len(messages.get_messages(request))


def _key(request, params: frozenset[str]) -> str | None:
    """The page's key: language, path and the known query parameters in order; None when the
    query holds anything else (every made-up parameter would otherwise keep a page of its own)."""
    if set(request.GET) - params:
        return None
    query = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    address = hashlib.sha256(repr((request.path, query)).encode()).hexdigest()
    return f"public-pages:{_release()}:{get_language()}:{address}"


def _finish(request, response: HttpResponse) -> HttpResponse:
    # Browsers may keep it, but must ask again (a 304 when unchanged); shared caches must not,
    # since signed-in people get another page at the same address.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _answer(request, content, content_type, etag, built, headers=None) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built)
    return _finish(
        request,
        get_conditional_response(request, etag=etag, last_modified=built, response=response),
    )


def public_page(
    view=None,
    *,
    until: Callable[[], datetime | None] | None = None,
    params: Iterable[str] = (),
):
    """Serve `view` from the cache to anonymous visitors. `until` returns the moment its
    content changes by itself (or None); `params` are the query parameters it reads (a page
    asked with any other is built, not kept)."""
    known = frozenset(params)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if (
                not settings.PUBLIC_CACHE_SECONDS
                or request.method not in ("GET", "HEAD")
                or not _anonymous(request)
            ):
                return view(request, *args, **kwargs)
            key = _key(request, known)
            if key is None:
                return view(request, *args, **kwargs)
            try:
                found = cache.get_many([STAMP_KEY, key])
            except Exception:
                logger.exception("public pages: the cache does not answer")
                return view(request, *args, **kwargs)
            current = stamp(found.get(STAMP_KEY))
            entry = found.get(key)
            if entry and entry["stamp"] == current and time.time() < entry["expires"]:
                return _answer(
                    request,
                    entry["content"],
                    entry["content_type"],
                    entry["etag"],
                    entry["built"],
                    entry.get("headers"),
                )

            # Read before the page is built: a call that opens or closes while it is being
            # built falls before this moment, and the page is not kept past it.
            built = int(time.time())
            changes = until() if until else None
            response = view(request, *args, **kwargs)
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or request.session.modified
            ):
                return response
            lifetime = settings.PUBLIC_CACHE_SECONDS
            if changes is not None:
                lifetime = min(lifetime, int(changes.timestamp()) - built)
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            if lifetime > 0:
                entry = {
                    "stamp": current,
                    "expires": built + lifetime,
                    "built": built,
                    "etag": etag,
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
                }
                try:
                    cache.set(key, entry, lifetime + 1)
                except Exception:
                    logger.exception("public pages: could not keep a page")
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
