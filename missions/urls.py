from django.urls import path

from missions import views

app_name = "missions"

urlpatterns = [
    path("missions/", views.catalogue, name="catalogue"),
    path("missions/<int:pk>/", views.mission_detail, name="mission"),
    path("appels/<int:pk>/", views.call_detail, name="call"),
]
