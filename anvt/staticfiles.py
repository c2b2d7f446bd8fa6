"""The static files app, without what nobody loads: django-ninja's Redoc bundle (the API's
reference page is its Swagger UI)."""

from django.contrib.staticfiles.apps import StaticFilesConfig as BaseConfig


class StaticFilesConfig(BaseConfig):
    ignore_patterns = [*BaseConfig.ignore_patterns, "ninja/redoc.standalone.js*"]
