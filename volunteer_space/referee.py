"""The referee's page, reached only through the link e-mailed to them (volunteers/attestations.py).

No account: the link names one attestation request and opens that experience and nothing else of
the portal. A forged link, or one of a request that is gone, answers 404; a used, replaced or
expired one says so and changes nothing.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from anvt.errors import Refused
from missions.services import volunteer_data_changed
from volunteer_space.forms import AttestationForm
from volunteers import attestations
from volunteers.enums import AttestationStatus

ANSWERS = ("confirmed", "corrected", "declined")


def _forms(initial, *, bound=None, answer: str = ""):
    """One form per answer, each with its own button: Enter in the corrections' fields can only
    send the corrections."""
    return {
        kind: bound
        if kind == answer and bound is not None
        else AttestationForm(initial=initial, auto_id=f"{kind}_%s")
        for kind in ANSWERS
    }


def _page(request, attestation, *, forms=None, refusal: str = "", status: int = 200):
    experience = attestation.experience
    profile = getattr(experience.volunteer, "volunteer_profile", None)
    response = render(
        request,
        "volunteers/attestation.html",
        {
            "experience": experience,
            "volunteer_name": (profile.full_name if profile else "") or experience.volunteer,
            "attestation": attestation,
            "forms": forms,
            "refusal": refusal,
        },
        status=status,
    )
    # The link is a secret: no search engine, no shared cache (never_cache).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def attestation(request, token: str):
    found, secret = attestations.request_for(token)
    if found is None:
        raise Http404
    experience = found.experience
    initial = {
        "organisation": experience.organisation,
        "role": experience.role,
        "start": experience.start_date,
        "end": experience.end_date,
    }
    if found.answered_at is not None:
        # Answered: what was attested, whoever opens the link again.
        return _page(request, found)
    try:
        attestations.check(found, secret)
    except Refused as refusal:
        # Expired or replaced: the message, and nothing of the experience.
        return _page(request, found, refusal=refusal.message, status=410)
    if request.method != "POST":
        return _page(request, found, forms=_forms(initial))
    answer = request.POST.get("answer", "")
    form = AttestationForm(request.POST, initial=initial, auto_id=f"{answer}_%s")
    forms = _forms(initial, bound=form, answer=answer)
    if answer not in ANSWERS or not form.is_valid():
        return _page(request, found, forms=forms, status=400)
    data = form.cleaned_data
    if answer != AttestationStatus.CORRECTED:
        data = {"name": data["name"], "comment": data["comment"]}
    try:
        attestations.answer(found, secret, answer=answer, **data)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _page(request, found, forms=forms, status=400)
    volunteer_data_changed(experience.volunteer)
    return redirect("attestation", token)
