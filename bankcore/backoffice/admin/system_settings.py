"""Run-time settings in the back office, changed through the audited service."""

from django import forms
from django.contrib import admin

from bankcore.backoffice.operations import config_set
from bankcore.config import DEFAULTS, config_check
from bankcore.errors import InvalidSetting
from bankcore.models import SystemSetting


def _setting_choices() -> list[tuple[str, str]]:
    # Read when a form is made, not at import: the admin is loaded before the apps whose
    # ready() registers their settings.
    return [(name, f"{name}: {text}") for name, (_, text) in sorted(DEFAULTS.items())]


class SystemSettingForm(forms.ModelForm):
    key = forms.ChoiceField(choices=_setting_choices)

    class Meta:
        model = SystemSetting
        fields = ["key", "value"]

    def clean(self):
        cleaned_data = super().clean()
        if "key" in cleaned_data and "value" in cleaned_data:
            try:
                config_check(name=cleaned_data["key"], value=cleaned_data["value"])
            except InvalidSetting as exc:
                self.add_error("value", exc.detail)
        return cleaned_data


@admin.register(SystemSetting)
class SystemSettingAdmin(admin.ModelAdmin):
    form = SystemSettingForm
    list_display = ["key", "value", "description", "updated_at"]
    readonly_fields = ["description", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service: audited, and the cached value is retired on commit.
        saved = config_set(
            name=form.cleaned_data["key"], value=form.cleaned_data["value"], actor=request.user
        )
        obj.pk = saved.pk

    # Settings include the controls on staff (deposit limits, the four-eyes threshold): a
    # member of staff who could change them could lift their own limits. Superusers only.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False
