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


def test_an_s3_bucket_from_the_environment_keeps_documents_private_and_never_overwritten():
    import json
    import os
    import subprocess
    import sys

    from bankcore.env import VARIABLES

    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    env.update(DEBUG="true", KYC_S3_BUCKET="bankcore-kyc", KYC_S3_REGION="eu-central-1")
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "from django.core.files.storage import storages; storage = storages['kyc'];"
        "print(json.dumps([type(storage).__module__, storage.bucket_name, storage.default_acl,"
        " storage.file_overwrite, storage.region_name]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bankcore.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    module, bucket, acl, overwrite, region = json.loads(result.stdout.strip().splitlines()[-1])
    assert module == "storages.backends.s3"
    assert (bucket, acl, overwrite, region) == ("bankcore-kyc", "private", False, "eu-central-1")
