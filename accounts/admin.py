from functools import wraps

from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import invitations
from accounts.decorators import mfa_missing_redirect
from accounts.forms import UserChangeAdminForm, UserCreationAdminForm
from accounts.models import User
from accounts.roles import has_mfa
from anvt.errors import Refused

# The Django admin reads every personal datum: the same two-factor session as /equipe/. Its
# login goes through allauth (rate limits, TOTP), and without TOTP a staff member is sent to set
# it up instead of entering.
_admin_has_permission = admin.site.has_permission


def _has_permission_with_mfa(request) -> bool:
    return _admin_has_permission(request) and has_mfa(request.user)


def _login_requiring_mfa(login):
    @wraps(login)
    def view(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not has_mfa(user):
            return mfa_missing_redirect(
                request,
                gettext("Activez la double authentification pour accéder à l'administration."),
            )
        return login(request, *args, **kwargs)

    return view


admin.site.has_permission = _has_permission_with_mfa
admin.site.login = _login_requiring_mfa(secure_admin_login(admin.site.login))
admin.site.site_header = "ANVT — VIR"


# Two-factor devices: who has one and when it was used, never their secrets.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # enrolled by their owner, through the TOTP set-up page

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("email",)
    list_display = ("email", "name", "language", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups", "language")
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profil"), {"fields": ("name", "language")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    # Staff and partners are best created without a password, then sent their invitation.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    actions = ["send_invitation"]

    @admin.action(description=_("Envoyer l'invitation (mot de passe et double authentification)"))
    def send_invitation(self, request, queryset):
        """Staff and partner accounts are activated through their invitation link."""
        sent = 0
        for user in queryset:
            try:
                invitations.invite(user, by=request.user)
            except Refused as refusal:
                self.message_user(request, f"{user.email} : {refusal.message}", messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(request, gettext("%(n)s invitation(s) envoyée(s).") % {"n": sent})
