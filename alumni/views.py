"""The pages of the alumni app outside every space: the public verification page of a
certificate (its code in, "valid" or "revoked" out, nothing else about the person; rate-limited),
and the follow-up questionnaire a returned volunteer answers through her link."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from alumni import followup
from alumni.certificates import normalise
from alumni.models import Certificate
from anvt.errors import Refused
from anvt.http import over_limit

# Lookups per address and window: enough for a recruiter checking a pile of CVs, too few to
# walk the code space (32^8).
LOOKUPS, WINDOW_SECONDS = 30, 600


def verify(request, code: str = ""):
    typed = request.GET.get("code", "")
    if typed and not code:
        found = normalise(typed)
        if found:
            return redirect("certificate_verify", found)
        return _page(
            request,
            message=_(
                "Ce code n'a pas la forme d'un code de certificat (8 signes, par exemple "
                "7K3Q-M9XD)."
            ),
            status=400,
        )
    if not code:
        return _page(request)
    if over_limit(request, "certificate-verify", limit=LOOKUPS, seconds=WINDOW_SECONDS):
        response = _page(
            request,
            message=_(
                "Trop de vérifications depuis cette connexion : réessayez dans quelques minutes."
            ),
            status=429,
        )
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    certificate = Certificate.objects.filter(code=normalise(code)).first()
    if certificate is None:
        return _page(
            request, message=_("Aucun certificat ne porte ce code."), code=code, status=404
        )
    return _page(request, certificate=certificate, code=certificate.code)


def _page(request, *, certificate=None, message: str = "", code: str = "", status: int = 200):
    response = render(
        request,
        "alumni/verify.html",
        {"certificate": certificate, "message": message, "code": code},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def follow_up(request, token: str):
    """Her questionnaire, from the link she received: no sign-in, one page, on a phone."""
    found = followup.follow_up_for(token)
    if found is None:
        raise Http404
    questions = list(found.questionnaire.questions.all())
    values = {}
    status = 200
    if request.method == "POST" and found.answered_at is None:
        values = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            followup.answer(found, values)
        except Refused as refusal:
            messages.error(request, refusal.message)
            status = 400
        else:
            # The page itself thanks her, as it will whenever the link is opened again.
            return redirect("follow_up", token)
    response = render(
        request,
        "alumni/follow_up.html",
        {
            "follow_up": found,
            "questionnaire": found.questionnaire,
            "questions": [(q, values.get(q.pk, "")) for q in questions],
            "scale": ["1", "2", "3", "4", "5"],
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
