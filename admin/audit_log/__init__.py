"""The audit log feature of the admin."""
