"""Business operations. They only ``flush()``; the caller (a request, a kiosk step, a CLI
command) commits once, so an operation is all-or-nothing."""
