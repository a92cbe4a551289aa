"""Benchmarks: each ``bench_*.py`` module here has a ``main()``; ``python -m bench`` runs them."""
