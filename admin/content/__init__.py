"""The content feature of the admin."""
