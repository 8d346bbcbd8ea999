from django.apps import AppConfig


class SaleorConfig(AppConfig):
    name = "saleor_subscriptions.saleor"
    label = "saleor"
    verbose_name = "Saleor connection"

    def ready(self) -> None:
        # Models may be imported only once the app registry is ready, hence here and not at the top.
        from saleor_subscriptions.catalog.ports import plans_changed
        from saleor_subscriptions.saleor.catalog_mirror import queue_mirrors

        plans_changed.connect(queue_mirrors, dispatch_uid="saleor.catalog_mirror")
