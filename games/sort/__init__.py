"""对还是错 safe or not: drag each card to the safe or the danger bin."""
