"""The invitation page: a staff or partner account's first sign-in (accounts.invitations)."""

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import invitations
from accounts.forms import InvitationForm
from accounts.roles import space_of
from anvt.errors import Refused


@never_cache
def invitation(request, token: str):
    user = invitations.invited_user(token)
    if user is None:
        raise Http404  # forged, expired or already used: ask ANVT for a new invitation
    # The secret stays the same while the page is open (kept in the session, for this link).
    key = f"invitation-secret-{user.pk}"
    secret = request.session.setdefault(key, generate_totp_secret())
    form = InvitationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.accept(
                user,
                password=form.cleaned_data["password1"],
                secret=secret,
                code=form.cleaned_data["code"],
            )
        except Refused as refusal:
            form.add_error("code", refusal.message)
        else:
            request.session.pop(key, None)
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(
                request, _("Votre compte est activé, avec la double authentification.")
            )
            return redirect(space_of(user))
    adapter = get_mfa_adapter()
    totp_url = adapter.build_totp_url(user, secret)
    return render(
        request,
        "accounts/invitation.html",
        {
            "form": form,
            "invited": user,
            "secret": secret,
            "qr_svg": adapter.build_totp_svg(totp_url),
            "totp_url": totp_url,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )
