import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

APPS = ("units", "tasks", "indicators")


def test_every_model_has_an_admin_with_search_and_filters():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            model_admin = admin.site._registry.get(model)
            assert model_admin is not None, model
            assert model_admin.search_fields or model_admin.list_filter, model


def test_every_admin_list_renders_searched_and_filtered(admin_client):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url, {"q": "人社"}).status_code == 200, url


def test_units_and_programmes_have_import_and_export_in_the_admin(admin_client):
    for name in ("units_unit", "units_unitalias", "tasks_programme"):
        assert admin_client.get(reverse(f"admin:{name}_import")).status_code == 200
        response = admin_client.post(reverse(f"admin:{name}_export"), {"format": "0", "export_items": []})
        assert response.status_code == 200
