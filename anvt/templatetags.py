"""The portal's own template filters, loaded with {% load anvt %}."""

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
