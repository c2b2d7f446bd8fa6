from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.roles import roles_of, space_of


def roles(request):
    """`roles` in every template: a set of accounts.roles.Role, computed only when used; and
    `my_space`, the address of the signed-in person's own space."""
    user = getattr(request, "user", None)
    return {
        "roles": SimpleLazyObject(lambda: roles_of(user)),
        "my_space": SimpleLazyObject(
            lambda: reverse(space_of(user)) if user is not None and user.is_authenticated else ""
        ),
    }
