from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages in plain English. A wrong username or password
    is reported beside the password field (and in the error summary), never saying which of
    the two was wrong."""

    error_messages = {
        "invalid_login": (
            "Enter a correct username and password. Both are case-sensitive: check caps lock."
        ),
        "inactive": "This account is not active. Ask an administrator to reactivate it.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            field = "password" if error.code == "invalid_login" else "username"
            self.add_error(field, error)
            return self.cleaned_data
