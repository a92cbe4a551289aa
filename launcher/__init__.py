"""The launcher: the layer above both front ends that brings the whole system up (``safezone run``).

It is the only package allowed to import both ``kiosk`` and ``admin``; the core imports neither
and the two front ends never import each other (``tests/test_layers.py``).
"""
