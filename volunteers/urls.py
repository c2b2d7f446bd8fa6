from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("candidatures/<int:pk>/", views.application_detail, name="application"),
]
