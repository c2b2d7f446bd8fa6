"""The portal's own template filters, loaded with {% load anvt %}."""

from django import template

from anvt import phones

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """An E.164 number as its owner reads it: "90 12 34 56" in Togo, "+33 6 12 34 56 78" else."""
    return phones.display(value)
