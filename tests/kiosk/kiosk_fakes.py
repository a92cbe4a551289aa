"""Test doubles for the kiosk: an in-memory backend, a small content bundle on disk, and a
stand-in for the sync agent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.backend import (
    BackendError,
    FinishOutcome,
    IdentifyOutcome,
    LeaderInfo,
    Player,
    PlayRef,
    RankRow,
    RoadshowInfo,
)
from safezone.app_context import Database
from safezone.content.bundle import ContentBundle
from safezone.sync.agent import enrol_replica
from safezone.sync.schemas import EnrolResponse

#: 09:30 in the community (01:30 UTC) on a Saturday: where every test kiosk's clock starts.
KIOSK_START = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)

#: Card codes the fake backend knows (format is not checked here; the real one is in tests/kiosk/test_kiosk_core_backend.py).
GOOD_CODE = "SZGOODCARD000001"
CHILD_CODE = "SZCHILDCARD00002"
ELDER_CODE = "SZELDERCARD00003"
REVOKED_CODE = "SZREVOKED0000004"

PLAYERS = {
    GOOD_CODE: Player(1, "小明", "1号地块5栋", "adult", 120, ("first-play",)),
    CHILD_CODE: Player(2, "乐乐", "2号地块3栋", "child", 30, ()),
    ELDER_CODE: Player(3, "王奶奶", "3号地块1栋", "elder", 455, ("first-play", "fire-expert")),
}


@dataclass
class FakeBackend:
    """Remembers every record in lists; ``fail`` makes every write raise BackendError."""

    fail: bool = False
    sessions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    finished: list[dict[str, Any]] = field(default_factory=list)
    identified: list[str] = field(default_factory=list)
    roadshows: list[RoadshowInfo] = field(default_factory=list)
    leaders: list[LeaderInfo] = field(default_factory=list)
    ranking: list[RankRow] = field(default_factory=lambda: [
        RankRow(5, "1号地块5栋", 2310, 41), RankRow(12, "2号地块3栋", 1980, 37),
        RankRow(3, "1号地块3栋", 1420, 22), RankRow(17, "3号地块1栋", 990, 18),
    ])

    def identify(self, raw: str, now: datetime) -> IdentifyOutcome:
        """Known codes (any case) → player; REVOKED_CODE → revoked; short → length; else unknown."""
        code = raw.strip().upper()
        self.identified.append(code)
        if self.fail:
            raise BackendError("database is locked")
        if code in PLAYERS:
            return IdentifyOutcome(True, "ok", PLAYERS[code])
        if code == REVOKED_CODE:
            return IdentifyOutcome(False, "revoked")
        if len(code) != 16:
            return IdentifyOutcome(False, "length")
        return IdentifyOutcome(False, "unknown")

    def recent_question_ids(self, resident_id: int, now: datetime) -> set[str]:
        """Questions this resident answered before."""
        return {a["question_id"] for a in self.answers if a["resident_id"] == resident_id}

    def start_play(self, *, mode, game_type, topic, now, resident_id, language, content_id=None) -> PlayRef:
        """Store a session dict."""
        if self.fail:
            raise BackendError("disk full")
        ref = PlayRef(uuid.uuid4(), mode, topic, resident_id)
        self.sessions.append({"id": ref.id, "mode": mode, "topic": topic, "resident_id": resident_id, "language": language})
        return ref

    def record_answer(self, play, *, question_id, topic, correct, now, chosen, response_ms) -> uuid.UUID:
        """Store an answer dict."""
        if self.fail:
            raise BackendError("disk full")
        self.answers.append({"session": play.id, "resident_id": play.resident_id, "question_id": question_id,
                             "topic": topic, "correct": correct, "chosen": chosen, "response_ms": response_ms})
        return uuid.uuid4()

    def finish_play(self, play, *, score, max_score, now) -> FinishOutcome:
        """Ten points per correct answer for card holders, capped at 100 in this fake."""
        if self.fail:
            raise BackendError("disk full")
        self.finished.append({"session": play.id, "score": score, "max_score": max_score})
        if play.resident_id is None:
            return FinishOutcome(0, None)
        earned = score * 10
        balance = next(p.balance for p in PLAYERS.values() if p.resident_id == play.resident_id) + earned
        return FinishOutcome(earned, balance, ("fire-starter",) if score == max_score else (), capped=earned >= 50)

    def building_ranking(self, limit: int = 6) -> list[RankRow]:
        """The fixed ranking."""
        return self.ranking[:limit]

    def upcoming_roadshows(self, now: datetime, limit: int = 3) -> list[RoadshowInfo]:
        """The configured roadshows."""
        return self.roadshows[:limit]

    def event_leaderboard(self, event_id: uuid.UUID, limit: int = 8) -> list[LeaderInfo]:
        """The configured leaders of the event the kiosk is switched to."""
        return self.leaders[:limit]


def _question(qid: str, audience: str, prompt_zh: str, prompt_en: str, extra: str) -> str:
    return f"""
  - id: {qid}
    type: single
    audience: {audience}
    difficulty: 1
    prompt: {{zh: "{prompt_zh}", en: "{prompt_en}"}}
    options:
      - {{text: {{zh: 正确做法{extra}, en: Right way {extra}}}, correct: true}}
      - {{text: {{zh: 错误做法甲{extra}, en: Wrong way A {extra}}}, correct: false}}
      - {{text: {{zh: 错误做法乙{extra}, en: Wrong way B {extra}}}, correct: false}}
    explanation: {{zh: "这是{prompt_zh}的解释。", en: "The explanation of {prompt_en}."}}
    source: 测试资料
"""


def write_test_content(root: Path) -> Path:
    """A small but complete content folder: every topic, adult and kids questions, tips, badges."""
    (root / "questions").mkdir(parents=True, exist_ok=True)
    for topic in ("fire", "home", "traffic", "cyber"):
        body = "".join(
            _question(f"{topic}-adult-{n}", "adult", f"{topic}成人题{n}", f"{topic} adult question {n}", str(n))
            for n in range(1, 9)
        )
        body += "".join(
            _question(f"{topic}-kids-{n}", "kids", f"{topic}儿童题{n}", f"{topic} kids question {n}", str(n))
            for n in range(1, 5)
        )
        body += f"""
  - id: {topic}-tf-1
    type: truefalse
    audience: all
    difficulty: 1
    prompt: {{zh: "{topic}判断题", en: "{topic} true or false"}}
    answer: false
    explanation: {{zh: "判断题解释。", en: "True/false explanation."}}
    source: 测试资料
"""
        (root / "questions" / f"{topic}.yml").write_text(f"kind: questions\ntopic: {topic}\nquestions:{body}", encoding="utf-8")
    (root / "tips.yml").write_text(
        "kind: tips\ntips:\n"
        "  - {id: tip-one, topic: fire, text: {zh: 出门前关好燃气阀门。, en: Turn off the gas before you leave.}}\n"
        "  - {id: tip-two, topic: traffic, text: {zh: 过马路走人行横道。, en: Cross at the zebra crossing.}}\n",
        encoding="utf-8",
    )
    (root / "badges.yml").write_text(
        "kind: badges\nbadges:\n"
        "  - {id: first-play, name: {zh: 初次体验, en: First play}, description: {zh: 第一次答题, en: First round}, rule: {type: plays, count: 1}}\n"
        "  - {id: fire-starter, name: {zh: 消防新星, en: Fire star}, description: {zh: 答对消防题, en: Fire answers}, rule: {type: correct_answers, topic: fire, count: 5}}\n",
        encoding="utf-8",
    )
    return root


@dataclass(frozen=True)
class StubReady:
    """What ``safezone.sync.agent.ReadyContent`` carries: a loaded pack and its version."""

    version: str
    bundle: ContentBundle


@dataclass
class StubStatus:
    """The parts of ``SyncStatus`` the kiosk reads."""

    state: str
    content: StubReady | None = None
    parked: int = 0
    refusal: str | None = None


class StubAgent:
    """An agent whose status the test sets (``current``); records start/stop."""

    def __init__(self, state: str = "online") -> None:
        self.current = StubStatus(state)
        self.started = self.stopped = 0

    def status(self) -> StubStatus:
        """The status the test set."""
        return self.current

    def start(self) -> None:
        """Count the start (no thread)."""
        self.started += 1

    def stop(self, timeout: float = 10.0) -> None:
        """Count the stop."""
        self.stopped += 1


#: The id the stand-in server gives a kiosk enrolled with :func:`enrol_offline`.
KIOSK_ID = uuid.UUID("01890000-0000-7000-8000-0000000000a1")


class _EnrolOnly:
    """Stands in for the server during enrolment only (the agent then talks to the real URL)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def enrol(self, code: str) -> EnrolResponse:
        assert code == "ABCD-EFGH"
        return EnrolResponse(kiosk_id=KIOSK_ID, kiosk_name="5栋架空层", token="t" * 40, server_time=self.now)


def enrol_offline(database: Database, now: datetime, server_url: str) -> None:
    """What ``safezone sync --server URL --enrol-code CODE`` stores in the replica, without a
    server answering (the enrolment answer is made up here)."""
    enrol_replica(database, server_url, "ABCD-EFGH", client_factory=lambda url, token: _EnrolOnly(now))


#: One item of each game, written by :func:`write_games_content`.
HUNT = """kind: hazard_scene
id: t-hunt
topic: fire
audience: all
title: {zh: 测试楼道, en: Test stairwell}
hazards:
  - id: boxes
    name: {zh: 纸箱, en: Boxes}
    explanation: {zh: 纸箱易燃。, en: Boxes burn.}
    area: {shape: rect, x: 100, y: 300, w: 300, h: 300}
  - id: bike
    name: {zh: 电动车, en: E-bike}
    explanation: {zh: 电池会起火。, en: Batteries catch fire.}
    area: {shape: circle, x: 1500, y: 600, r: 100}
source: 测试资料
"""
SORT = """kind: sort_set
id: t-sort
topic: fire
audience: all
title: {zh: 安全还是危险, en: Safe or not}
bins: {safe: {zh: 安全, en: Safe}, danger: {zh: 危险, en: Dangerous}}
items:
  - {id: a, text: {zh: 关好防火门, en: Close the fire door}, answer: safe, explanation: {zh: 挡烟。, en: Stops smoke.}}
  - {id: b, text: {zh: 楼道充电, en: Charging indoors}, answer: danger, explanation: {zh: 会起火。, en: Fire.}}
  - {id: c, text: {zh: 车停车位, en: Park in a bay}, answer: safe, explanation: {zh: 通道畅通。, en: Lane clear.}}
  - {id: d, text: {zh: 堆放纸箱, en: Piling boxes}, answer: danger, explanation: {zh: 易燃。, en: Burns.}}
source: 测试资料
"""
SEQUENCE = """kind: sequence
id: t-seq
topic: fire
audience: adult
title: {zh: 灭火器怎么用, en: Using an extinguisher}
steps:
  - {text: {zh: 提, en: Lift}}
  - {text: {zh: 拔, en: Pull the pin}}
  - {text: {zh: 握, en: Aim}}
  - {text: {zh: 压, en: Squeeze}}
explanation: {zh: 提拔握压。, en: "Lift, pull, aim, squeeze."}
source: 测试资料
"""
CROSSING = """kind: crossing_level
id: t-cross
audience: kids
title: {zh: 过马路, en: Crossing}
lanes: 1
lights: {green: 8, flashing: 1, red: 3}
cars_per_lane_per_minute: 1
prompts:
  intro: {text: {zh: 先看灯, en: Look at the light}}
  wait: {text: {zh: 等一等, en: Wait}}
  go: {text: {zh: 走吧, en: Go}}
  success: {text: {zh: 真棒, en: Well done}}
  unsafe: {text: {zh: 危险, en: Danger}}
source: 测试资料
"""
BROKEN_HUNT = """kind: hazard_scene
id: t-broken
topic: home
audience: all
title: {zh: 坏场景}
hazards:
  - id: tiny
    name: {zh: 太小}
    explanation: {zh: 点不到。}
    area: {shape: rect, x: 10, y: 10, w: 20, h: 20}
source: 测试资料
"""


def write_games_content(root: Path, broken: bool = False) -> Path:
    """The test content plus one item of each game (hazard hunt, sort, sequence, crossing);
    ``broken`` adds a hazard scene that fails to load and a second sort set."""
    write_test_content(root)
    for folder, name, text in (("scenes", "hunt", HUNT), ("sort", "sort", SORT), ("sequences", "seq", SEQUENCE),
                               ("crossing", "cross", CROSSING)):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / f"{name}.yml").write_text(text, encoding="utf-8")
    if broken:
        (root / "scenes" / "broken.yml").write_text(BROKEN_HUNT, encoding="utf-8")
        sort_home = SORT.replace("id: t-sort", "id: t-sort-home").replace("topic: fire", "topic: home")
        (root / "sort" / "home.yml").write_text(sort_home, encoding="utf-8")
    return root
