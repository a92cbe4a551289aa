"""The store feature of the admin."""
