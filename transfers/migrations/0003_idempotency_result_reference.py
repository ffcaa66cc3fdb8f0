from django.db import migrations, models


def results_from_transfers(apps, schema_editor):
    IdempotencyKey = apps.get_model("transfers", "IdempotencyKey")
    IdempotencyKey.objects.filter(transfer__isnull=False).update(
        result_type="transfers.transfer", result_id=models.F("transfer_id")
    )


def transfers_from_results(apps, schema_editor):
    IdempotencyKey = apps.get_model("transfers", "IdempotencyKey")
    IdempotencyKey.objects.filter(result_type="transfers.transfer").update(transfer_id=models.F("result_id"))


class Migration(migrations.Migration):
    """Completed keys name their result by model and id instead of a transfer foreign key,
    so that every money-moving endpoint can use them."""

    dependencies = [
        ("transfers", "0002_idempotency_claim_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencykey",
            name="result_type",
            field=models.CharField(
                blank=True, help_text="Model label of what the first request created.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="idempotencykey",
            name="result_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(results_from_transfers, transfers_from_results),
        migrations.RemoveField(
            model_name="idempotencykey",
            name="transfer",
        ),
        migrations.AddConstraint(
            model_name="idempotencykey",
            constraint=models.CheckConstraint(
                condition=models.Q(status="in_progress", result_type="", result_id__isnull=True)
                | (models.Q(status="completed", result_id__isnull=False) & ~models.Q(result_type="")),
                name="idempotency_completed_has_result",
            ),
        ),
    ]
