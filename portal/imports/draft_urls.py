from django.urls import path

from . import draft_views

app_name = "drafting"
urlpatterns = [
    path("", draft_views.draft, name="draft"),
    path("jobs/<int:pk>/", draft_views.job, name="job"),
    path("jobs/<int:pk>/progress/", draft_views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", draft_views.job_download, name="job_download"),
]
