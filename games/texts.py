"""The words the game screens show (besides the content itself), in zh-CN and English.

Kept beside the games so a new game type brings its own strings; the kiosk's shared strings
(back, language toggles, results...) stay in :mod:`kiosk.i18n`. Placeholders use
``str.format`` names, and a test checks both languages use the same ones.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # choosing a game after the topic
    "choose.title": {"zh-CN": "{topic}：选一个游戏", "en": "{topic}: choose a game"},
    "choose.kids_title": {"zh-CN": "想玩哪个？", "en": "What shall we play?"},
    "choose.skipped": {
        "zh-CN": "有 {count} 个游戏的内容文件有问题，已暂时跳过（{names}）。",
        "en": "{count} game(s) skipped because their content could not be loaded ({names}).",
    },
    "choose.failed": {
        "zh-CN": "这个游戏暂时打不开，请换一个。",
        "en": "This game can't open right now. Please pick another one.",
    },
    "game.quiz": {"zh-CN": "答题闯关", "en": "Quiz"},
    "game.quiz.hint": {"zh-CN": "选出正确答案", "en": "Pick the right answer"},
    "game.hazard_hunt": {"zh-CN": "找隐患", "en": "Hazard hunt"},
    "game.hazard_hunt.hint": {"zh-CN": "在图里点出危险的地方", "en": "Tap the dangers in the picture"},
    "game.sort": {"zh-CN": "对还是错", "en": "Safe or not"},
    "game.sort.hint": {"zh-CN": "把卡片拖到“安全”或“危险”", "en": "Drag each card to Safe or Dangerous"},
    "game.sequence": {"zh-CN": "排顺序", "en": "Step order"},
    "game.sequence.hint": {"zh-CN": "拖动卡片，排出正确步骤", "en": "Drag the cards into the right order"},
    "game.crossing": {"zh-CN": "过马路", "en": "Crossing the road"},
    "game.crossing.hint": {"zh-CN": "绿灯亮、没有车，才能走", "en": "Walk on green, when no car comes"},
    # shared
    "game.score": {"zh-CN": "得分 {score}", "en": "Score {score}"},
    "game.finish": {"zh-CN": "看成绩", "en": "See my score"},
    "game.next": {"zh-CN": "下一张", "en": "Next"},
    "game.ok": {"zh-CN": "知道了", "en": "Got it"},
    "game.correct": {"zh-CN": "答对了！", "en": "Correct!"},
    "game.wrong": {"zh-CN": "再想想", "en": "Not quite"},
    "results.points_score": {"zh-CN": "得分 {score}，满分 {total}", "en": "{score} of {total} points"},
    "game.missing_art": {"zh-CN": "（图片缺失）", "en": "(picture missing)"},
    # hazard hunt
    "hunt.found": {"zh-CN": "找到 {found} / {total}", "en": "Found {found} of {total}"},
    "hunt.instruction": {"zh-CN": "点一点图中的隐患", "en": "Tap each hazard in the picture"},
    "hunt.hint": {"zh-CN": "提示", "en": "Hint"},
    "hunt.hint_cost": {"zh-CN": "提示（扣 {cost} 分）", "en": "Hint (-{cost})"},
    "hunt.give_up": {"zh-CN": "不找了", "en": "I'm done"},
    "hunt.found_title": {"zh-CN": "找到了：{name}", "en": "Found: {name}"},
    "hunt.miss": {"zh-CN": "这里没有隐患", "en": "No hazard here"},
    "hunt.miss_cost": {"zh-CN": "这里没有隐患  -{cost}", "en": "No hazard here  -{cost}"},
    "hunt.hint_default": {"zh-CN": "看看闪动的地方。", "en": "Look where it flashes."},
    "hunt.all_found": {"zh-CN": "全部找到了，真厉害！", "en": "You found them all!"},
    "hunt.summary": {
        "zh-CN": "找到 {found} 个，还有 {missed} 个没找到（已用虚线标出）。",
        "en": "You found {found}; {missed} stayed hidden (marked with dashes).",
    },
    # sort
    "sort.instruction": {"zh-CN": "把卡片拖到下面的“安全”或“危险”", "en": "Drag the card to Safe or Dangerous"},
    "sort.progress": {"zh-CN": "第 {n} 张 / 共 {total} 张", "en": "Card {n} of {total}"},
    "sort.belongs": {"zh-CN": "它属于：{bin}", "en": "It belongs in: {bin}"},
    # sequence
    "seq.instruction": {
        "zh-CN": "按住卡片拖上拖下，排好后点“检查顺序”",
        "en": 'Drag the cards up and down, then tap "Check"',
    },
    "seq.check": {"zh-CN": "检查顺序", "en": "Check"},
    "seq.all_right": {"zh-CN": "顺序全对！", "en": "Perfect order!"},
    "seq.nearly": {
        "zh-CN": "还要挪动 {moves} 张卡片才全对",
        "en": "{moves} card(s) still had to move",
    },
    "seq.should_be": {"zh-CN": "应是第 {n} 步", "en": "Should be step {n}"},
    # the same on two lines, for a card whose words need the room (broken where it reads well)
    "seq.should_be_stacked": {"zh-CN": "应是\n第 {n} 步", "en": "Should be\nstep {n}"},
    "seq.right_order": {"zh-CN": "正确顺序", "en": "The right order"},
    "seq.move_me": {"zh-CN": "放错了", "en": "Misplaced"},
    "seq.in_place": {"zh-CN": "位置对", "en": "In place"},
    # the explanation, when the verdict card has no room for it: shown over the list on request
    "seq.why": {"zh-CN": "为什么？", "en": "Why?"},
    "seq.my_order": {"zh-CN": "看我的顺序", "en": "My order"},
    "seq.why_title": {"zh-CN": "为什么是这个顺序", "en": "Why this order"},
    # crossing
    "cross.walk": {"zh-CN": "走！", "en": "Walk!"},
    "cross.wait": {"zh-CN": "等一等", "en": "Wait"},
    "cross.go": {"zh-CN": "可以走", "en": "Go"},
    "cross.hurry": {"zh-CN": "快变灯了", "en": "Changing"},
    "cross.listen": {"zh-CN": "再听一遍", "en": "Listen again"},
    "cross.reason.red_light": {"zh-CN": "红灯，不能走！", "en": "Red light: stop!"},
    "cross.reason.flashing": {"zh-CN": "绿灯在闪，马上要变红了！", "en": "The light is flashing: it will turn red!"},
    "cross.reason.car_coming": {"zh-CN": "有车开过来了！", "en": "A car is coming!"},
    "cross.safe": {"zh-CN": "安全过马路！", "en": "Safe crossing!"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """A game string in ``lang`` (Chinese when the language is unknown); KeyError for a typo."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["zh-CN"]
    return text.format(**values) if values else text
