from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/lue/", views.notification_read, name="read"),
    path("tout-lu/", views.notifications_read_all, name="read_all"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
