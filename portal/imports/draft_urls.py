from django.urls import path

from . import draft_views

app_name = "drafting"
urlpatterns = [path("", draft_views.draft, name="draft")]
