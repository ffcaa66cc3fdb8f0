"""The back office for transfers: Django's admin autodiscovery imports this package, which
registers each concern's ModelAdmin from its own module."""

from transfers.admin import calendar, limits, wires  # noqa: F401
