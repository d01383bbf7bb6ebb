from django.apps import AppConfig


class BiipConfig(AppConfig):
    name = "biip"
    verbose_name = "Shared"
