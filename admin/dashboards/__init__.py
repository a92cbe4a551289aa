"""Dashboards: one page of charts fed by JSON endpoints that read the rollups."""
