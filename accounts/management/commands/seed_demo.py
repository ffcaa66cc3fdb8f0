from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.services import user_ensure

DEMO_USERS = [
    # (email, password, full name, is_staff, is_superuser)
    ("customer@bankcore.test", "demo-customer-Pass-2026", "Dana Customer", False, False),
    ("compliance@bankcore.test", "demo-compliance-Pass-2026", "Casey Compliance", True, False),
    ("admin@bankcore.test", "demo-admin-Pass-2026", "Alex Admin", True, True),
]
COMPLIANCE_GROUP = "compliance"
COMPLIANCE_PERMISSIONS = ["view_user", "change_user"]


class Command(BaseCommand):
    help = "Create (or reset) the demo customer and staff users and print their credentials."

    @transaction.atomic
    def handle(self, *args, **options):
        group, _ = Group.objects.get_or_create(name=COMPLIANCE_GROUP)
        group.permissions.set(Permission.objects.filter(codename__in=COMPLIANCE_PERMISSIONS))
        self.stdout.write("Demo users (email / password):")
        for email, password, full_name, is_staff, is_superuser in DEMO_USERS:
            user, created = user_ensure(
                email=email,
                password=password,
                full_name=full_name,
                is_staff=is_staff,
                is_superuser=is_superuser,
            )
            if is_staff and not is_superuser:
                user.groups.add(group)
            role = "superuser" if is_superuser else "staff" if is_staff else "customer"
            state = "created" if created else "reset"
            self.stdout.write(f"  {role:<9} {email} / {password}  ({state})")
