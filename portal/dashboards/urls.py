from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("city/<int:pk>/", views.city, name="city"),
    path("city/<int:pk>/briefing/", views.city_briefing, name="city_briefing"),
    path("city/<int:pk>/briefing.xlsx", views.city_briefing, {"fmt": "xlsx"}, name="city_briefing_xlsx"),
    path("city/<int:pk>/briefing.docx", views.city_briefing, {"fmt": "docx"}, name="city_briefing_docx"),
    path("programme/<int:pk>/", views.programme, name="programme"),
    path("programme/<int:pk>/briefing/", views.programme_briefing, name="programme_briefing"),
    path("programme/<int:pk>/briefing.xlsx", views.programme_briefing, {"fmt": "xlsx"}, name="programme_briefing_xlsx"),
    path("programme/<int:pk>/briefing.docx", views.programme_briefing, {"fmt": "docx"}, name="programme_briefing_docx"),
    path("plan/<int:pk>/", views.plan, name="plan"),
    path("unit/<int:pk>/", views.unit, name="unit"),
    path("measure/<int:pk>/", views.measure, name="measure"),
    path("measures/", views.measures, name="measures"),
    path("thresholds/", views.thresholds, name="thresholds"),
]
