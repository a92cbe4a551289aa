"""safezone: the shared core of the safety-education kiosk and the community admin.

The core imports neither pygame nor flask; the front ends (``kiosk/``, ``admin/``) build on it.
"""

__version__ = "0.1.0"
