"""Door-to-door visits (上门走访): record one from a phone at the door."""
