"""The pay page: a customer completes 3-D Secure, pays an open invoice or updates the saved payment method."""
