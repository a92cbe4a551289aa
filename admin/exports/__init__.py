"""The exports feature of the admin."""
