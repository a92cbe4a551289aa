"""找隐患 hazard hunt: tap the hazards hidden in a layered scene."""
