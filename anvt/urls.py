from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from accounts import views as accounts_views
from alumni import views as alumni_views
from anvt import views
from notifications import views as notification_views
from partner_space.host import host_decision
from reciprocity import views as reciprocity_views
from volunteer_space import referee, sms

# The admin's login and its two-factor requirement: accounts/admin.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Exempt from CSRF: the switch sits on public pages kept in the cache for every visitor,
    # which carry no token (anvt/public_cache.py). A forged post can only change a language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("accounts/invitation/<str:token>/", accounts_views.invitation, name="invitation"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("equipe/", include("staff.urls")),
    path("partenaires/", include("partner_space.urls")),
    # The partner API for their own information systems (api/v1.py), with its OpenAPI description.
    path("api/", include("api.urls")),
    # The host structure's signed, single-use link (no account): partner_space/host.py.
    path("accueil/<int:pk>/<str:token>/", host_decision, name="host_decision"),
    # Anyone may check a certificate of completion by its code (or its QR code).
    path("verifier/", alumni_views.verify, name="certificate_lookup"),
    path("verifier/<str:code>/", alumni_views.verify, name="certificate_verify"),
    # The programme's figures, public and anonymised (reciprocity/funnel.py).
    path("chiffres/", reciprocity_views.figures, name="figures"),
    path("chiffres/donnees.csv", reciprocity_views.figures_csv, name="figures_csv"),
    path("chiffres/donnees.json", reciprocity_views.figures_json, name="figures_json"),
    # A returned volunteer's questionnaire, through the link she received (no sign-in).
    path("suivi/<str:token>/", alumni_views.follow_up, name="follow_up"),
    # The referee of a volunteer's experience: their signed link (volunteer_space/referee.py).
    path("attestation/<str:token>/", referee.attestation, name="attestation"),
    # A selection committee member from outside ANVT: their signed link (staff/committee_link.py).
    path("comite/", include("staff.committee_urls")),
    path("notifications/", include("anvt.preferences")),
    path("notifications/", include("notifications.urls")),
    # The SMS gateway's signed webhooks: what volunteers text in, and delivery receipts.
    path("sms/entrant/", sms.inbound_sms, name="sms_inbound"),
    path("sms/accuses/", notification_views.sms_receipts, name="sms_receipts"),
    path("", include("missions.urls")),
    path("", include("volunteer_space.urls")),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("bench/bare/", views.bare))
