"""Staff accounts: first-run set-up, log in/out, password change, account management."""
