from django.db import models
from django.utils import timezone

# Screening


class SanctionsList(models.Model):
    """One loaded version of a sanctions list; the newest (highest pk) is screened against."""

    source = models.CharField(max_length=255, help_text="The file (or files) the version was read from.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 over the files' bytes.")
    entry_count = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"sanctions list v{self.pk} ({self.entry_count} entries)"


class SanctionsEntry(models.Model):
    """One listed party of a list version, as the OFAC SDN format gives it."""

    class EntryType(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        ENTITY = "entity", "Entity"
        VESSEL = "vessel", "Vessel"
        AIRCRAFT = "aircraft", "Aircraft"

    sanctions_list = models.ForeignKey(SanctionsList, on_delete=models.PROTECT, related_name="entries")
    uid = models.PositiveIntegerField(help_text="The list's own entry number (SDN ent_num).")
    name = models.CharField(max_length=350)
    aliases = models.JSONField(default=list, blank=True)
    normalized_names = models.JSONField(
        default=list, help_text="The name, then each alias, as the matcher compares them."
    )
    entry_type = models.CharField(max_length=16, choices=EntryType.choices)
    programs = models.JSONField(default=list, blank=True)
    dates_of_birth = models.JSONField(
        default=list, blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY, as precise as the list is."
    )
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166 alpha-2 codes of nationality, citizenship, birth."
    )
    remarks = models.TextField(blank=True)

    class Meta:
        ordering = ["sanctions_list", "uid"]
        constraints = [
            models.UniqueConstraint(fields=["sanctions_list", "uid"], name="sanctions_entry_uid_per_list"),
        ]
        indexes = [
            models.Index(fields=["sanctions_list", "entry_type"], name="sanctions_entry_type_idx"),
        ]
        verbose_name_plural = "sanctions entries"

    def __str__(self):
        return f"{self.name} (#{self.uid})"
