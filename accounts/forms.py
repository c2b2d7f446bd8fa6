import secrets

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.hashers import make_password

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
    def try_save(self, request):
        """Signing up with a registered address costs what a new sign-up costs (one password
        hash), so that the answer's timing does not tell whether the address is registered."""
        if self.account_already_exists:
            make_password(secrets.token_urlsafe(16))
        return super().try_save(request)
