"""The business-day calendar wires settle by: adding and removing a holiday is audited."""

from django.contrib import admin

from transfers.models import BusinessHoliday
from transfers.services.wires import calendar


@admin.register(BusinessHoliday)
class BusinessHolidayAdmin(admin.ModelAdmin):
    """Days wires do not settle on, besides weekends; adding and removing one is audited."""

    list_display = ["date", "name"]
    fields = ["date", "name"]
    ordering = ["date"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = calendar.business_holiday_add(date=obj.date, name=obj.name, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar.business_holiday_remove(holiday=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for holiday in queryset:
            calendar.business_holiday_remove(holiday=holiday, actor=request.user)
