"""Run-time configuration: SystemSetting rows, cached per key and retired on every change.

Settings that code reads have a documented default here; a row overrides it. Staff change
rows in the admin, through ``config_set``, which is audited.
"""

from django.db import transaction

from bankcore.cache import TTL, bump_on_commit, generations, get_or_set, key
from bankcore.models import SystemSetting

CONFIG = "config"

DEFAULTS = {
    "accounts.max_per_customer": (10, "Most accounts one customer may hold."),
}


def config_key(name: str, generation) -> str:
    return key("config", name, *generation)


def config_get(name: str):
    """The current value of setting ``name``: its row's, or the documented default."""
    default, _ = DEFAULTS[name]
    row = get_or_set(
        "config",
        config_key(name, generations((CONFIG, name))),
        lambda: SystemSetting.objects.filter(key=name).values_list("value", flat=True).first(),
        timeout=TTL.HOUR,
        cache_not_found=True,
    )
    return default if row is None else row


@transaction.atomic
def config_set(*, name: str, value, actor) -> SystemSetting:
    """Change a setting, audited; every process reads the new value from its next request on."""
    from audit.services import audit_record  # the kernel's one use of audit: config changes are audited

    if name not in DEFAULTS:
        raise KeyError(f"{name} is not a bankcore setting")
    setting = SystemSetting.objects.filter(key=name).first()
    before = None if setting is None else setting.value
    setting, _ = SystemSetting.objects.update_or_create(
        key=name, defaults={"value": value, "description": DEFAULTS[name][1]}
    )
    bump_on_commit(CONFIG, name)
    audit_record(
        action="config.changed", actor=actor, target=setting, before={"value": before}, after={"value": value}
    )
    return setting
