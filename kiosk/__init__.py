"""The safezone touchscreen kiosk (pygame-ce): scenes, widgets, input, robot mode.

Nothing here runs at import time; start it with :func:`kiosk.app.run_kiosk` or
``safezone kiosk``.
"""

import os as _os

# pygame prints a banner on import; a kiosk's logs and the robot's output should not carry it.
_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
