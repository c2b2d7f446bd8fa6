import secrets

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SignupForm(AllauthSignupForm):
    def clean(self):
        """A confirmation that differs is said, even while the password itself is refused
        (allauth compares them only once the first one is valid)."""
        cleaned = super().clean()
        first, second = self.data.get("password1", ""), self.data.get("password2", "")
        if second and first != second and "password2" not in self.errors:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return cleaned

    def try_save(self, request):
        """Signing up with a registered address costs what a new sign-up costs (one password
        hash), so that the answer's timing does not tell whether the address is registered."""
        if self.account_already_exists:
            make_password(secrets.token_urlsafe(16))
        return super().try_save(request)


class InvitationForm(forms.Form):
    """The password, chosen and confirmed, and the first code of the authenticator app."""

    password1 = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Mot de passe (encore)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    code = forms.CharField(
        label=_("Code à 6 chiffres de l'application"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
