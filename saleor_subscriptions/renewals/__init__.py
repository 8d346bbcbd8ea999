"""Renewals: finding what is due, claiming it, and running each renewal to the end (flows 4 and 5)."""
