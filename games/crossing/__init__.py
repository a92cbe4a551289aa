"""过马路 kids' crossing: walk only on the green man when no car is coming."""
