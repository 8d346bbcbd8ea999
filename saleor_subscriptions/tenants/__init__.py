"""Installations: one per Saleor shop; every other row belongs to one."""
