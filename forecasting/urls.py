from django.urls import path

from forecasting import views

app_name = "forecasting"
urlpatterns = [
    path("", views.index, name="list"),
    path("<int:series_id>/", views.detail, name="detail"),
    path("<int:series_id>/run/", views.run, name="run"),
]
