from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "saleor_subscriptions.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # The sign-up asks which method paid its order (saleor.signup_signals): the checkout's payment knows.
        from saleor_subscriptions.payments.signup_method import answer_signup_method
        from saleor_subscriptions.saleor.signup_signals import signup_payment_method

        signup_payment_method.connect(answer_signup_method, dispatch_uid="payments.answer_signup_method")
