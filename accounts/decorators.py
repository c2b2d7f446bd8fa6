"""Who may open a page: one decorator per role. Anyone without the role gets 404, exactly like a
missing page; staff without two-factor authentication are sent to set it up first."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.roles import is_programme_manager, is_staff_member, is_volunteer, mfa_enrolled

# Session key: the page a user wanted before being sent to set up two-factor authentication.
AFTER_MFA = "anvt_after_mfa"


def mfa_missing_redirect(request, message: str):
    """Where a user who must use two-factor authentication and has none is sent. The page they
    asked for is kept: the recovery codes page, which follows the activation, leads back to it."""
    messages.warning(request, message)
    if request.method == "GET":  # a page to come back to, never a form's POST address
        request.session[AFTER_MFA] = request.get_full_path()
    return redirect("mfa_activate_totp")


def _role_required(allowed, *, needs_mfa: bool):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise Http404
            if needs_mfa and not mfa_enrolled(request.user):
                return mfa_missing_redirect(
                    request,
                    _("Activez la double authentification pour accéder à l'espace de l'équipe."),
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _role_required(is_staff_member, needs_mfa=True)
manager_required = _role_required(is_programme_manager, needs_mfa=True)
# Staff and partner users have no volunteer space.
volunteer_required = _role_required(is_volunteer, needs_mfa=False)
