"""Endorsements (zeyil) and cancellations (fesih) of approved policies."""
