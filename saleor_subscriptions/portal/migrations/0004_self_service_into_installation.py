"""The portal's own table of forbidden actions gives way to the Installation's self-service rights: each
stored row is carried over into the Installation's fields before the table is dropped (and back, undone)."""

from django.db import migrations

FLAGS = {
    "pause": "self_service_pause",
    "quantity": "self_service_quantity",
    "switch": "self_service_switch",
    "address": "self_service_address",
    "contacts": "self_service_contacts",
}


def carry_over(apps, schema_editor):
    PortalSettings = apps.get_model("portal", "PortalSettings")
    Installation = apps.get_model("tenants", "Installation")
    for row in PortalSettings.objects.all():
        forbidden = set(row.forbidden or [])
        changes = {field: False for action, field in FLAGS.items() if action in forbidden}
        if "cancel" in forbidden:
            changes["self_service_cancel"] = "disabled"
        if changes:
            Installation.objects.filter(pk=row.installation_id).update(**changes)


def carry_back(apps, schema_editor):
    PortalSettings = apps.get_model("portal", "PortalSettings")
    Installation = apps.get_model("tenants", "Installation")
    for installation in Installation.objects.all():
        forbidden = sorted(
            [action for action, field in FLAGS.items() if not getattr(installation, field)]
            + (["cancel"] if installation.self_service_cancel == "disabled" else [])
        )
        if forbidden:
            PortalSettings.objects.update_or_create(
                installation_id=installation.pk, defaults={"forbidden": forbidden}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_shop_self_service_settings"),
        ("tenants", "0007_self_service_address_contacts"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="PortalSettings"),
    ]
