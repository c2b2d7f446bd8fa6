"""The host structure's page, reached only through the signed link e-mailed to its contact.

No account: the link names one placement and opens only its decision page, with what the host
needs to decide (who, when, for what mission) and nothing else of the portal. A forged link or
another placement's link answers 404; a used, replaced or expired one says so, and changes
nothing.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from anvt.errors import Refused
from missions import hostlinks, services
from missions.queries import age_at_reference
from partner_space.forms import HostDecisionForm


def _page(request, placement, token, *, form, refusal: str = "", status: int = 200):
    profile = getattr(placement.volunteer, "volunteer_profile", None)
    response = render(
        request,
        "partners/host_decision.html",
        {
            "placement": placement,
            "profile": profile,
            "age": age_at_reference(placement.application),
            "languages": profile.languages.all() if profile else [],
            "form": form,
            "token": token,
            "refusal": refusal,
        },
        status=status,
    )
    # The link is a secret: no search engine, no shared cache (never_cache), and no referrer to
    # another site (the site's "same-origin" policy; "no-referrer" would make the browser send
    # "Origin: null" with the form, which the CSRF check rightly refuses).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def host_decision(request, pk: int, token: str):
    placement = hostlinks.placement_for_link(pk, token)
    if placement is None:
        raise Http404
    if request.method != "POST":
        try:
            hostlinks.check(placement, token)
        except Refused as refusal:
            status = 200 if placement.host_decided_at else 410  # decided: the answer stands
            return _page(
                request, placement, token, form=None, refusal=refusal.message, status=status
            )
        return _page(request, placement, token, form=HostDecisionForm())
    form = HostDecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, placement, token, form=form, status=400)
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            services.host_confirm(placement, token=token, name=form.cleaned_data["name"])
            done = _(
                "Merci : l'accueil est confirmé. L'ANVT et le ou la volontaire sont prévenu·e·s."
            )
        elif decision == "decline":
            services.host_decline(
                placement,
                token=token,
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                shared=form.cleaned_data["shared"],
            )
            done = _("Votre refus est enregistré ; l'ANVT est prévenue. Merci de votre réponse.")
        else:
            raise Refused(_("Choisissez de confirmer ou de refuser l'accueil."))
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _page(request, placement, token, form=form, status=409)
    messages.success(request, done)
    return redirect(request.path)
