"""Themed event mode: staff switch the kiosk to a roadshow with their staff card plus a PIN.

Flow: a staff card scanned on a scan-accepting screen → :class:`StaffPinScene` (a touch PIN
pad; the PIN is checked against ``StaffUser.kiosk_pin_hash``) → :class:`EventAdminScene`
(choose today's roadshow, or leave event mode). In event mode a resident's scan also checks
them in; a first check-in shows :class:`CheckedInScene` before the greeting.
"""

from __future__ import annotations

import pygame

from kiosk import i18n
from kiosk.backend import BackendError, EventInfo, Player, StaffRef
from kiosk.host import KioskHost, KioskScene
from safezone.services.localtime import LOCAL_TZ
from screen import theme
from screen.pictograms import pictogram
from screen.scene import MARGIN, card
from screen.widgets import Button

Rect = pygame.Rect

#: Wrong PINs in a row before the pad closes (a passer-by must not guess at leisure).
MAX_PIN_ATTEMPTS = 3
PIN_MIN, PIN_MAX = 4, 8
#: Seconds the check-in confirmation stays before the greeting.
CHECKED_IN_SECONDS = 4.0

TEXTS: dict[str, dict[str, str]] = {
    "pin.title": {"zh-CN": "工作人员验证", "en": "Staff check"},
    "pin.prompt": {"zh-CN": "{name}，请输入您的终端 PIN", "en": "{name}, please enter your kiosk PIN"},
    "pin.wrong": {"zh-CN": "PIN 不正确，还可以再试 {left} 次", "en": "Wrong PIN; {left} more tries"},
    "pin.unavailable": {"zh-CN": "暂时无法验证，请稍后再试", "en": "Cannot check the PIN right now; try again later"},
    "pin.clear": {"zh-CN": "清除", "en": "Clear"},
    "pin.ok": {"zh-CN": "确定", "en": "OK"},
    "cancel": {"zh-CN": "取消", "en": "Cancel"},
    "admin.title": {"zh-CN": "活动模式", "en": "Event mode"},
    "admin.current": {"zh-CN": "当前活动：{title}", "en": "Now showing: {title}"},
    "admin.none_active": {"zh-CN": "终端现为日常模式。选择今天的路演：", "en": "The kiosk is in everyday mode. Choose today's roadshow:"},
    "admin.switch": {"zh-CN": "切换到其他路演：", "en": "Switch to another roadshow:"},
    "admin.no_events": {"zh-CN": "12 小时内没有可选的路演（请先在管理后台安排）。",
                        "en": "No roadshow within the next 12 hours (schedule one in the admin first)."},
    "admin.leave": {"zh-CN": "退出活动模式", "en": "Leave event mode"},
    "event.banner": {"zh-CN": "安全路演进行中", "en": "Safety roadshow today"},
    "event.when": {"zh-CN": "{start}–{end} · {place}", "en": "{start}–{end} · {place}"},
    "event.leaderboard": {"zh-CN": "本场排行榜", "en": "Event leaderboard"},
    "event.no_scores": {"zh-CN": "还没有成绩——扫卡来当第一名！", "en": "No scores yet: scan your card and be the first!"},
    "checked.title": {"zh-CN": "签到成功！", "en": "You are checked in!"},
    "checked.points": {"zh-CN": "签到积分 +{points}", "en": "Check-in points +{points}"},
    "checked.welcome": {"zh-CN": "{nickname}，欢迎参加{title}", "en": "Welcome to {title}, {nickname}"},
    "checked.continue": {"zh-CN": "开始答题", "en": "Start playing"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """An event-mode string in ``lang`` (zh-CN when a translation is missing)."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry[i18n.DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def event_when(event: EventInfo, lang: str) -> str:
    """Local start–end time and place of an event, e.g. ``09:00–11:30 · 5栋架空层``."""
    start = event.starts_at.astimezone(LOCAL_TZ)
    end = event.ends_at.astimezone(LOCAL_TZ)
    return tr("event.when", lang, start=i18n.format_date(start, lang, with_time=True), end=f"{end:%H:%M}",
              place=event.place)


class StaffPinScene(KioskScene):
    """A PIN pad for the staff member whose card was scanned; the digits are never shown."""

    name = "staff_pin"

    def __init__(self, app: KioskHost, staff: StaffRef) -> None:
        super().__init__(app)
        self.staff = staff
        self.pin = ""
        self.attempts_left = MAX_PIN_ATTEMPTS
        self.problem: str | None = None

    def build(self) -> None:
        """Twelve keys (1-9, clear, 0, OK) and a cancel button."""
        ui = self.ui
        size, gap = 190, 24
        left = 1920 - MARGIN - 3 * size - 2 * gap
        top = 250
        keys = [*"123456789", "clear", "0", "ok"]
        for index, key in enumerate(keys):
            row, col = divmod(index, 3)
            rect = Rect(left + col * (size + gap), top + row * (150 + gap), size, 150)
            if key == "clear":
                self.add(Button("pin_clear", rect, tr("pin.clear", ui.lang), self._clear, style="secondary",
                                text_size=ui.types.body))
            elif key == "ok":
                self.add(Button("pin_ok", rect, tr("pin.ok", ui.lang), self._submit,
                                enabled=len(self.pin) >= PIN_MIN, text_size=ui.types.heading))
            else:
                self.add(Button(f"pin_{key}", rect, key, lambda k=key: self._digit(k), style="option",
                                text_size=ui.types.title))
        self.add(Button("cancel", Rect(MARGIN, 950, 320, 110), tr("cancel", ui.lang), self._cancel, style="secondary"))

    def _digit(self, digit: str) -> None:
        if len(self.pin) < PIN_MAX:
            self.pin += digit
            self.problem = None
            self.rebuild()

    def _clear(self) -> None:
        self.pin = ""
        self.rebuild()

    def _cancel(self) -> None:
        self.app.log.emit("staff_pin", ok=False, reason="cancelled")
        self.app.flow.go_attract(reason="staff_cancel")

    def _submit(self) -> None:
        if len(self.pin) < PIN_MIN:
            return
        pin, self.pin = self.pin, ""
        try:
            ok = self.app.backend.verify_staff_pin(self.staff.staff_id, pin)
        except BackendError as exc:
            self.app.log.emit("error", kind="backend", message=str(exc))
            self.problem = "pin.unavailable"
            self.rebuild()
            return
        self.app.log.emit("staff_pin", ok=ok, staff_id=self.staff.staff_id)
        if ok:
            self.app.replace(EventAdminScene(self.app, self.staff))
            return
        self.attempts_left -= 1
        if self.attempts_left <= 0:
            self.app.log.emit("staff_pin_locked", staff_id=self.staff.staff_id)
            self.app.flow.go_attract(reason="staff_pin_locked")
            return
        self.problem = "pin.wrong"
        self.rebuild()

    def on_command(self, name: str) -> bool:
        """Keys 1-6 type digits, Enter submits, Esc cancels (keyboard users and the robot)."""
        if name.startswith("choose_"):
            self._digit(name.split("_")[1])
            return True
        if name == "activate":
            self._submit()
            return True
        if name == "back":
            self._cancel()
            return True
        return False

    def draw_state(self) -> tuple:
        """See screen/redraw.py."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Title, whose card it is, the dots, and a problem line."""
        ui = self.ui
        panel = Rect(MARGIN, 250, 1000, 670)
        card(surface, panel, accent=theme.TEAL)
        inner = panel.inflate(-96, -80)
        title = ui.text.render(tr("pin.title", ui.lang), ui.types.title, theme.INK, bold=True)
        surface.blit(title, (inner.x, inner.y))
        y = inner.y + title.get_height() + 24
        prompt = ui.text.fit(tr("pin.prompt", ui.lang, name=self.staff.display_name), ui.types.body, theme.INK,
                             inner.width, ui.lines(ui.types.body, 2), ui.types.small)
        surface.blit(prompt, (inner.x, y))
        y += prompt.get_height() + 48
        for index in range(PIN_MAX):
            centre = (inner.x + 40 + index * 90, y + 40)
            if index < len(self.pin):
                pygame.draw.circle(surface, theme.INK, centre, 26)
            else:
                pygame.draw.circle(surface, theme.SHADOW, centre, 26, 5)
        y += 130
        if self.problem is not None:
            key_text = tr(self.problem, ui.lang, left=self.attempts_left)
            problem = ui.text.fit(key_text, ui.types.body, theme.BAD_RED, inner.width - 90, inner.bottom - y,
                                  ui.types.small, bold=True)
            surface.blit(pictogram("cross", 70), (inner.x, y))
            surface.blit(problem, (inner.x + 90, y + 8))


class EventAdminScene(KioskScene):
    """After a good PIN: pick today's roadshow, or leave event mode."""

    name = "event_admin"
    idle_watch = True

    def __init__(self, app: KioskHost, staff: StaffRef) -> None:
        super().__init__(app)
        self.staff = staff
        try:
            self.events = app.backend.kiosk_events(app.clock.now())
        except BackendError as exc:
            app.log.emit("error", kind="backend", message=str(exc))
            self.events = []

    def build(self) -> None:
        """One button per roadshow (up to four), leave, cancel."""
        ui = self.ui
        top = 400 if self.app.event is not None else 300
        for index, event in enumerate(self.events[:4]):
            current = self.app.event is not None and self.app.event.id == event.id
            button = Button(
                f"event_{index + 1}", Rect(MARGIN, top + index * 150, 1920 - 2 * MARGIN, 130),
                ui.pick(event.title, event.title_en), lambda e=event: self._choose(e), style="option",
                sublabel=event_when(event, ui.lang), align="left", text_size=ui.types.heading,
            )
            button.selected = current
            self.add(button)
        if self.app.event is not None:
            self.add(Button("leave_event", Rect(1920 - MARGIN - 560, 950, 560, 110), tr("admin.leave", ui.lang),
                            self._leave, style="primary", text_size=ui.types.body))
        self.add(Button("cancel", Rect(MARGIN, 950, 320, 110), tr("cancel", ui.lang),
                        lambda: self.app.flow.go_attract(reason="staff_cancel"), style="secondary"))

    def _choose(self, event: EventInfo) -> None:
        self.app.events.enter_event(event, self.staff)

    def _leave(self) -> None:
        self.app.events.leave_event(self.staff)

    def on_back(self) -> bool:
        """Escape cancels."""
        self.app.flow.go_attract(reason="staff_cancel")
        return True

    def draw_state(self) -> tuple:
        """See screen/redraw.py."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Title, the current state and the list heading."""
        ui = self.ui
        title = ui.text.render(tr("admin.title", ui.lang), ui.types.title, theme.INK, bold=True)
        surface.blit(title, (MARGIN, 150))
        y = 160 + title.get_height()
        if self.app.event is not None:
            now = ui.text.fit(tr("admin.current", ui.lang, title=ui.pick(self.app.event.title, self.app.event.title_en)),
                              ui.types.body, theme.TEAL, 1920 - 2 * MARGIN, ui.lines(ui.types.body, 2, True),
                              ui.types.small, bold=True)
            surface.blit(now, (MARGIN, y))
            y += now.get_height() + 16
        key = "admin.switch" if self.app.event is not None else "admin.none_active"
        if not self.events:
            key = "admin.no_events"
        line = ui.text.fit(tr(key, ui.lang), ui.types.body, theme.INK_SOFT, 1920 - 2 * MARGIN,
                           ui.lines(ui.types.body, 2), ui.types.small)
        surface.blit(line, (MARGIN, y))


class CheckedInScene(KioskScene):
    """"Checked in, +10 points" after a resident's first scan at an event; then the greeting."""

    name = "checked_in"

    def __init__(self, app: KioskHost, *, player: Player, points: int) -> None:
        super().__init__(app)
        self.player = player
        self.points = points
        self._elapsed = 0.0

    def build(self) -> None:
        """One big button to go on at once."""
        self.add(Button("continue", Rect(960 - 300, 860, 600, 140), tr("checked.continue", self.ui.lang),
                        self._continue, text_size=self.ui.types.heading))

    def _continue(self) -> None:
        self.app.flow.greet(self.player)

    def update(self, dt: float) -> None:
        """Move on to the greeting by itself after a few seconds."""
        super().update(dt)
        self._elapsed += dt
        if self._elapsed >= CHECKED_IN_SECONDS and self.app.is_top(self):
            self._elapsed = float("-inf")  # once
            self._continue()

    def draw_state(self) -> tuple:
        """See screen/redraw.py."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """A check mark, the words, the points (icon + words, never colour alone)."""
        ui = self.ui
        panel = Rect(MARGIN + 200, 200, 1920 - 2 * MARGIN - 400, 600)
        card(surface, panel, fill=theme.OK_TINT, accent=theme.OK_GREEN)
        surface.blit(pictogram("check", 200), (panel.x + 80, panel.y + 120))
        x = panel.x + 340
        width = panel.right - 80 - x
        title = ui.text.render(tr("checked.title", ui.lang), ui.types.hero if not ui.large else ui.types.title,
                               theme.OK_GREEN, bold=True)
        surface.blit(title, (x, panel.y + 90))
        y = panel.y + 110 + title.get_height()
        event = self.app.event
        if event is not None:
            welcome = ui.text.fit(tr("checked.welcome", ui.lang, nickname=self.player.nickname,
                                     title=ui.pick(event.title, event.title_en)),
                                  ui.types.body, theme.INK, width, ui.lines(ui.types.body, 2), ui.types.small)
            surface.blit(welcome, (x, y))
            y += welcome.get_height() + 30
        if self.points > 0:
            surface.blit(pictogram("star", 80), (x, y))
            points = ui.text.render(tr("checked.points", ui.lang, points=self.points), ui.types.heading,
                                    theme.INK, bold=True)
            surface.blit(points, (x + 100, y + (80 - points.get_height()) // 2))
