"""Thousands of random inputs: no exception, and back on attract after idling."""

from __future__ import annotations

import random

from kiosk_fakes import CHILD_CODE, ELDER_CODE, GOOD_CODE, REVOKED_CODE, FakeBackend

from kiosk.app import KioskOptions
from kiosk.monkey import run_monkey


def test_monkey_breaks_nothing(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk(KioskOptions(adult_timer_seconds=8))
    result = run_monkey(kiosk.app, kiosk.clock, random.Random(2024), 2000,
                        codes=[GOOD_CODE, CHILD_CODE, ELDER_CODE, REVOKED_CODE, GOOD_CODE.lower()])
    assert result.errors == []
    assert kiosk.events("error") == []
    assert result.final_scene == "attract"
    assert kiosk.app.visit is None
    # The monkey really got around: every screen was reached and answers were written.
    assert {"attract", "identify", "greeting", "topics", "quiz", "results", "idle"} <= result.scenes
    assert fake_backend.answers


def test_monkey_with_a_failing_backend_breaks_nothing(make_kiosk) -> None:
    kiosk = make_kiosk(backend=FakeBackend(fail=True))
    result = run_monkey(kiosk.app, kiosk.clock, random.Random(5), 400, codes=[GOOD_CODE])
    assert result.errors == []
    assert result.final_scene == "attract"
