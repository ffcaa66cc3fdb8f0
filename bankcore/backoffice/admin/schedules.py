"""The schedules of the background work (django-celery-beat's periodic tasks and the
schedules they run on) in the back office, every change audited (``schedule.changed``,
``schedule.deleted``) through bankcore.backoffice.operations. Who may change them is
Django's model permissions (the engineering role, accounts' roles migration); the bulk
actions that would change many rows unaudited are not offered."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from bankcore.backoffice.operations import schedule_delete, schedule_refusals, schedule_save


class _Audited:
    actions = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class Checked(form):
            def _post_clean(self):
                super()._post_clean()
                for refusal in schedule_refusals(self.instance):
                    self.add_error(None, refusal)

        return Checked

    def save_model(self, request, obj, form, change):
        schedule_save(row=obj, actor=request.user)

    def delete_model(self, request, obj):
        schedule_delete(row=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            schedule_delete(row=row, actor=request.user)


_ADMINS = {
    PeriodicTask: beat_admin.PeriodicTaskAdmin,
    IntervalSchedule: beat_admin.IntervalScheduleAdmin,
    CrontabSchedule: beat_admin.CrontabScheduleAdmin,
    SolarSchedule: beat_admin.SolarScheduleAdmin,
    ClockedSchedule: beat_admin.ClockedScheduleAdmin,
}

for _model, _admin in _ADMINS.items():
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(f"Audited{_admin.__name__}", (_Audited, _admin), {}))
