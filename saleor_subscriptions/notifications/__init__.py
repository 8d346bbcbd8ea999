"""Emails to customers: what each message says (templates per language) and their reliable delivery."""
