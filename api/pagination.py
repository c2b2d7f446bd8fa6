"""Cursor pagination of the API's lists: rows in id order, a page of `limit`, and an opaque,
signed cursor naming the last id given. A row added meanwhile is never skipped nor repeated, as
an offset would do."""

from django.core import signing
from django.utils.translation import gettext as _

from api.problems import ApiProblem

SALT = "anvt.api.cursor"
MAX_LIMIT = 100


def page(queryset, *, cursor: str | None, limit: int, kind: str):
    """(rows, next cursor or None). `kind` binds a cursor to its list."""
    after = 0
    if cursor:
        try:
            data = signing.loads(cursor, salt=SALT)
            if data.get("k") != kind:
                raise signing.BadSignature
            after = int(data["a"])
        except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ApiProblem(
                "invalid",
                _("Ce curseur n'est pas valable : reprenez la liste au début."),
                errors=[
                    {"field": "query.cursor", "message": _("Curseur invalide."), "code": "cursor"}
                ],
            ) from exc
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, signing.dumps({"k": kind, "a": rows[-1].pk}, salt=SALT, compress=True)
    return rows, None
