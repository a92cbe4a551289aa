"""QR cards: codes, issuing/revoking/identifying, QR images and printable A4 sheets.

Only a hash of a card code is ever stored (DESIGN.md decision 4); see :mod:`safezone.cards.codes`.
"""
