import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_compose_requires_the_kyc_keys_and_publishes_none():
    environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["app"]["environment"]
    for name in ("KYC_ENCRYPTION_KEY", "KYC_LOOKUP_KEY"):
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", environment[name]), environment[name]


def test_documents_are_stored_outside_every_served_directory():
    import bankcore.settings as production

    location = Path(production.STORAGES["kyc"]["OPTIONS"]["location"]).resolve()
    served = [Path(production.STATIC_ROOT).resolve(), Path(production.BASE_DIR / "staticfiles").resolve()]
    served += [Path(production.MEDIA_ROOT).resolve()] if getattr(production, "MEDIA_ROOT", "") else []
    assert not any(location.is_relative_to(path) or path.is_relative_to(location) for path in served)
    assert production.STORAGES["kyc"]["OPTIONS"]["base_url"] is None
