"""Game types: each a pure, display-free rules object plus a pygame view (DESIGN.md decision 6)."""
