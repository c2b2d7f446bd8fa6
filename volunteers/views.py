from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from audit.models import StatusChange
from missions import eligibility
from missions.enums import ApplicationStatus
from volunteers.access import get_application_for_volunteer


@login_required
def application_detail(request, pk: int):
    application = get_application_for_volunteer(request.user, pk)
    labels = dict(ApplicationStatus.choices)
    report_row = getattr(application, "eligibility_report", None)
    report = report_row.report if report_row else None
    criteria = [
        (eligibility.CRITERION_LABELS[code](), result)
        for code, result in (report.criteria.items() if report else [])
    ]
    return render(
        request,
        "volunteers/application_detail.html",
        {
            "application": application,
            "report": report,
            "report_row": report_row,
            "criteria": criteria,
            "timeline": [
                (change, labels.get(change.to_status, change.to_status))
                for change in StatusChange.objects.for_object(application)
            ],
            "choices": application.choices.select_related("mission", "mission__theme"),
        },
    )
