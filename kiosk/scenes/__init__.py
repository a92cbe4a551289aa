"""The kiosk screens, one module each."""
