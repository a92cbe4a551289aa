"""Residents and households: search, edit, consent, anonymise, import, cards."""
