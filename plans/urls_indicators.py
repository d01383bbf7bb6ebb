"""Routes of the plans app: indicators, their values and the entry of values
(plans.views.indicators)."""

from django.urls import path

from plans.views import indicators

urlpatterns = [
    path("indicators/", indicators.indicator_list, name="indicators"),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/values/add/", indicators.value_add, name="indicator-value-add"),
    path("indicators/values/<int:pk>/edit/", indicators.value_edit, name="indicator-value-edit"),
]
