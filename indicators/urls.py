from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("fill/<int:measure_id>/<int:period_id>/<int:unit_id>/", views.report_edit, name="report_edit"),
    path("fill/<int:measure_id>/<int:period_id>/<int:unit_id>/preview/", views.report_preview, name="report_preview"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/approve/", views.report_approve_view, name="report_approve"),
    path("<int:pk>/return/", views.report_return_view, name="report_return"),
    path("<int:pk>/correct/", views.report_correct_view, name="report_correct"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete_view, name="evidence_delete"),
    path("review/", views.review_queue, name="review_queue"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("periods/", views.periods, name="periods"),
    path("plans/<int:plan_id>/periods/create/", views.periods_create, name="periods_create"),
    path("plans/<int:plan_id>/reporting-from/", views.plan_reporting_from, name="plan_reporting_from"),
    path("periods/<int:pk>/close/", views.period_close_view, name="period_close"),
    path("periods/<int:pk>/reopen/", views.period_reopen_view, name="period_reopen"),
    path("periods/<int:pk>/due-date/", views.period_due_date_view, name="period_due_date"),
    path("periods/<int:pk>/remind/", views.period_remind, name="period_remind"),
]
