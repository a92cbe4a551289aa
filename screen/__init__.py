"""The pygame-ce screen toolkit the kiosk and the games stand on: theme, text, fitting, widgets,
input, card scanner, scene base, redraw-on-change, top bar, pictograms, sound.

It knows neither the kiosk nor any game (tests/games/test_games_layer.py holds it to that):
whoever shows a scene passes itself in as a :class:`screen.scene.ScreenHost`.
"""

import os as _os

# pygame prints a banner on import; the kiosk's logs and the robot's output should not carry it.
_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
