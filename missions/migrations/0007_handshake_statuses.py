"""Existing rows into the statuses of the placement handshake (issue 14).

- an application "selected" while its placement was only planned (contingent forming) is
  shortlisted again; with its placement proposed, it is "proposed";
- "placed" (confirmed by the partner) becomes "selected": every party has confirmed;
- "on_mission" becomes "departed" until an arrival is recorded; a departed placement with an
  arrival date is "arrived".
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Application = apps.get_model("missions", "Application")
    Placement = apps.get_model("missions", "Placement")
    live = ["planned", "proposed"]
    for placement in Placement.objects.filter(status__in=live, application__status="selected"):
        new = "shortlisted" if placement.status == "planned" else "proposed"
        Application.objects.filter(pk=placement.application_id).update(status=new)
    Application.objects.filter(status="placed").update(status="selected")
    Placement.objects.filter(status="departed", arrival_date__isnull=False).update(
        status="arrived"
    )
    departed = Placement.objects.filter(status="departed").values("application_id")
    Application.objects.filter(status="on_mission", pk__in=departed).update(status="departed")


def backwards(apps, schema_editor):
    Application = apps.get_model("missions", "Application")
    Placement = apps.get_model("missions", "Placement")
    Placement.objects.filter(status="arrived").update(status="departed")
    Placement.objects.filter(status="host_pending").update(status="proposed")
    Application.objects.filter(status="departed").update(status="on_mission")
    Application.objects.filter(status="selected").update(status="placed")
    Application.objects.filter(status="proposed").update(status="selected")


class Migration(migrations.Migration):
    dependencies = [("missions", "0006_placement_handshake")]

    operations = [migrations.RunPython(forwards, backwards)]
