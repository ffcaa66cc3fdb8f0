"""Granting permissions to the staff roles from data migrations (accounts/0008_roles makes
the groups; a later app's migration adds what its own models define)."""


def roles_grant(
    apps, schema_editor, roles: dict[str, list[str]], *, app_labels: list[str] | None = None
) -> None:
    """Add each "app_label.codename" of ``roles`` to its group, making the group if needed.

    Permissions are made by post_migrate, after every migration: on a new database they do
    not exist yet, so the apps named (every app, by default) get theirs made first.
    """
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        if app_labels is not None and app_config.label not in app_labels:
            continue
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, permissions in roles.items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                permission_model.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
