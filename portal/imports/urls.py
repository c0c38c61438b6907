from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan_import, name="plan_import"),
    path("plans/<int:pk>/export/", views.plan_export, name="plan_export"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/sheet/", views.job_sheet, name="job_sheet"),
    path("<int:pk>/headers/", views.job_headers, name="job_headers"),
    path("<int:pk>/units/", views.job_units, name="job_units"),
    path("<int:pk>/units/suggested/", views.job_units_suggested, name="job_units_suggested"),
    path("<int:pk>/programmes/", views.job_programmes, name="job_programmes"),
    path("<int:pk>/rows/<int:row>/", views.job_row_edit, name="job_row_edit"),
    path("<int:pk>/rows/undo/", views.job_undo_edits, name="job_undo_edits"),
    path("<int:pk>/results/", views.job_results, name="job_results"),
    path("<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
]
