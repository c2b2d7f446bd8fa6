from django.urls import path

from staff import committee_link

app_name = "committee"

urlpatterns = [
    path("<str:token>/", committee_link.home, name="home"),
    path("<str:token>/conflits/", committee_link.declarations, name="declarations"),
    path("<str:token>/candidatures/<int:application_pk>/", committee_link.file, name="file"),
    path("<str:token>/candidatures/<int:application_pk>/note/", committee_link.mark, name="mark"),
]
