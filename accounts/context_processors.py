from django.utils.functional import SimpleLazyObject

from accounts.roles import roles_of


def roles(request):
    """`roles` in every template: a set of accounts.roles.Role, computed only when used."""
    return {"roles": SimpleLazyObject(lambda: roles_of(getattr(request, "user", None)))}
