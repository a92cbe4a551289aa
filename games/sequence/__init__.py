"""排顺序 step order: drag the cards of a procedure into the right order."""
