from django.urls import path

from . import scoring_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("cities/<int:pk>/", views.city, name="city"),
    path("cities/<int:pk>/bulk/", views.bulk_issue, name="bulk_issue"),
    path("cities/<int:pk>/webhooks/", views.webhooks, name="webhooks"),
    path("cities/<int:pk>/schemes/", scoring_views.schemes, name="schemes"),
    path("measures/<int:pk>/notice/", views.notice_new, name="notice_new"),
    path("measures/<int:pk>/closure/", views.closure_new, name="closure_new"),
    path("measures/<int:pk>/extension/", views.extension_new, name="extension_new"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge_view, name="notice_acknowledge"),
    path("notices/<int:pk>/return/", views.notice_return_view, name="notice_return"),
    path("notices/<int:pk>/answer/", views.notice_answer_view, name="notice_answer"),
    path("notices/<int:pk>/close/", views.notice_close_view, name="notice_close"),
    path("notices/<int:pk>/reissue/", views.notice_reissue_view, name="notice_reissue"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("closures/<int:pk>/", views.closure, name="closure"),
    path("closures/<int:pk>/check/", views.closure_check_view, name="closure_check"),
    path("closures/<int:pk>/decide/", views.closure_decide_view, name="closure_decide"),
    path("extensions/<int:pk>/", views.extension, name="extension"),
    path("extensions/<int:pk>/decide/", views.extension_decide_view, name="extension_decide"),
    path("schemes/<int:pk>/", scoring_views.scheme, name="scheme"),
    path("schemes/<int:pk>/compute/", scoring_views.scheme_compute_view, name="scheme_compute"),
    path("schemes/<int:pk>/ranking/", scoring_views.ranking, name="ranking"),
    path("schemes/<int:pk>/ranking.xlsx", scoring_views.ranking_xlsx, name="ranking_xlsx"),
    path("schemes/<int:pk>/units/<int:unit_id>/", scoring_views.unit_score, name="unit_score"),
]
