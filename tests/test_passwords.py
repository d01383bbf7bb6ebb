"""Django's password validators refuse weak passwords wherever a password is set."""

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse


class WeakPasswords(TestCase):
    def assertRefused(self, password, user=None, because=""):
        with self.assertRaises(ValidationError) as refused:
            validate_password(password, user)
        self.assertIn(because, " ".join(refused.exception.messages))

    def test_each_validator_refuses_its_kind_of_weak_password(self):
        user = User(username="olivia.example", email="olivia.example@example.org")
        self.assertRefused("Tr1x!", because="too short")
        self.assertRefused("password123", because="too common")
        self.assertRefused("48302917465", because="entirely numeric")
        self.assertRefused("olivia.example", user, because="too similar to the username")

    def test_a_strong_password_passes(self):
        self.assertIsNone(validate_password("correct-horse-battery-staple"))

    def test_the_admin_refuses_a_weak_password_for_a_new_user(self):
        admin = User.objects.create_superuser("root", "root@example.org", "root-pass-word-1")
        self.client.force_login(admin)
        response = self.client.post(
            reverse("admin:auth_user_add"),
            {
                "username": "newcomer",
                "usable_password": "true",
                "password1": "password",
                "password2": "password",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This password is too common.")
        self.assertFalse(User.objects.filter(username="newcomer").exists())
