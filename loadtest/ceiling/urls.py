"""The ceiling project's only URLs, at the paths bankcore's benchmark settings used for them."""

from django.urls import path

from loadtest.ceiling.views import RedisGetView, TpcbView

urlpatterns = [
    path("bench/redis-get", RedisGetView.as_view()),
    path("bench/tpcb", TpcbView.as_view()),
]
