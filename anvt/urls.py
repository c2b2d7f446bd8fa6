from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from anvt import views

# The Django admin logs in through allauth, so that its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "ANVT — VIR"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("equipe/", include("staff.urls")),
    path("partenaires/", include("partner_space.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("missions.urls")),
    path("", include("volunteer_space.urls")),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("bench/bare/", views.bare))
