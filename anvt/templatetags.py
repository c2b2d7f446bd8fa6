"""The portal's own template filters, loaded with {% load anvt %}."""

from functools import cache

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from anvt import phones

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """An E.164 number as its owner reads it: "90 12 34 56" in Togo, "+33 6 12 34 56 78" else."""
    return phones.display(value)


@register.filter
def filesize(value) -> str:
    """A file's size as people say it: "14 Ko", "1,2 Mo" ("14 KB", "1.2 MB" in English)."""
    size = int(value or 0)
    if size < 1000:
        return ngettext("%(n)s octet", "%(n)s octets", size) % {"n": size}
    if size < 1_000_000:
        return gettext("%(n)s Ko") % {"n": number_format(round(size / 1000))}
    return gettext("%(n)s Mo") % {"n": number_format(size / 1_000_000, 1)}


@cache
def _labels(model, field_name: str) -> dict:
    return dict(model._meta.get_field(field_name).flatchoices)


@register.filter
def label(obj, field_name: str) -> str:
    """`{{ application|label:"status" }}`: what `get_status_display` says, without rebuilding the
    field's choices on every call (a quarter of a 25-row list's rendering, issue 18)."""
    if obj is None:
        return ""
    value = getattr(obj, field_name)
    return str(_labels(type(obj), field_name).get(value, value or ""))


@register.filter
def get(mapping, key):
    """`{{ review.scores|get:criterion.key }}`: a value of a dict by a key held in a variable."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)
