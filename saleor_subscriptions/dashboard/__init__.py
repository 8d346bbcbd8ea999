"""Serves the built dashboard extension (`dashboard_extension/dist`) under /dashboard/ (docs/dashboard.md)."""
