"""Kiosks: register a kiosk, show its one-time enrolment code, re-issue it, revoke the kiosk."""
