"""Routes of the plans app: risks (the register, one risk, the heat map, movement)."""

from django.urls import path

from plans.views import risks

urlpatterns = [
    path("risks/", risks.risk_list, name="risks"),
    path("risks/heat-map/", risks.risk_heat_map, name="risk-heat-map"),
    path("risks/movement/", risks.risk_movement, name="risk-movement"),
    path("risks/<int:pk>/", risks.risk_detail, name="risk"),
]
