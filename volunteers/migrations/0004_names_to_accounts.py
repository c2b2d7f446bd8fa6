from django.db import migrations


def copy_names(apps, schema_editor):
    """The name a volunteer gave in her profile becomes her account's name (her messages greet
    her by it), where the account has none."""
    Profile = apps.get_model("volunteers", "VolunteerProfile")
    User = apps.get_model("accounts", "User")
    for profile in (
        Profile.objects.filter(user__name="").exclude(first_name="", last_name="").iterator()
    ):
        name = f"{profile.first_name} {profile.last_name}".strip()[:150]  # User.name's length
        User.objects.filter(pk=profile.user_id).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_mobility_file"),
        ("accounts", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(copy_names, migrations.RunPython.noop)]
