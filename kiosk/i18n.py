"""Every string the kiosk shows, in Simplified Chinese and English.

Scenes ask :func:`tr` for a key; nothing on screen is written inline in a scene. Placeholders use
``str.format`` names, and a test checks both languages use the same ones.
"""

from __future__ import annotations

from datetime import datetime

from safezone.languages import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "STRINGS", "format_date", "other_language", "pick", "tr"]

STRINGS: dict[str, dict[str, str]] = {
    # chrome on every screen
    "lang.toggle": {"zh-CN": "English", "en": "中文"},
    "size.toggle.large": {"zh-CN": "大字", "en": "Larger text"},
    "size.toggle.normal": {"zh-CN": "标准字", "en": "Normal text"},
    "back": {"zh-CN": "返回", "en": "Back"},
    "home": {"zh-CN": "回首页", "en": "Home"},
    # attract
    "attract.welcome": {"zh-CN": "安全体验区", "en": "Safety Experience Zone"},
    "attract.tagline": {
        "zh-CN": "玩一玩，学安全，攒积分",
        "en": "Play, learn to stay safe, earn points",
    },
    "attract.scan": {"zh-CN": "刷卡开始", "en": "Scan my card"},
    "attract.scan.hint": {"zh-CN": "把居民卡二维码对准扫描器", "en": "Hold it to the scanner"},
    "attract.guest": {"zh-CN": "游客体验", "en": "Play as guest"},
    "attract.guest.hint": {"zh-CN": "不用卡，不记名", "en": "No card, nothing stored"},
    "attract.kids": {"zh-CN": "儿童乐园", "en": "Kids' zone"},
    "attract.kids.hint": {"zh-CN": "看图听声音答题", "en": "Pictures and sounds"},
    "attract.tip": {"zh-CN": "安全小贴士", "en": "Safety tip"},
    "attract.roadshows": {"zh-CN": "近期安全路演", "en": "Upcoming safety roadshows"},
    "attract.no_roadshows": {
        "zh-CN": "暂无安排，敬请关注社区通知",
        "en": "Nothing scheduled yet — watch the community notices",
    },
    "attract.roadshow_line": {"zh-CN": "{when}  {title}", "en": "{when}  {title}"},
    "attract.roadshow_place": {"zh-CN": "地点：{place}", "en": "Place: {place}"},
    # sync indicator (kiosk/sync_status.py): shown only while results wait to be sent; short,
    # so the pill fits one line beside the top bar's title
    "sync.offline": {"zh-CN": "离线，数据已保存", "en": "Offline — results saved"},
    "sync.refused": {"zh-CN": "暂未同步，数据已保存", "en": "Not synced — results saved"},
    # identify
    "identify.title": {"zh-CN": "请刷居民卡", "en": "Please scan your resident card"},
    "identify.body": {
        "zh-CN": "把卡片上的二维码对准下方扫描器，听到“嘀”一声就好。",
        "en": "Hold the QR code on your card up to the scanner below until it beeps.",
    },
    "identify.no_card": {
        "zh-CN": "没有卡？可以先用游客身份体验，或请工作人员帮您办卡。",
        "en": "No card? Play as a guest for now, or ask the staff to make you one.",
    },
    "identify.problem": {"zh-CN": "这张卡暂时用不了", "en": "This card can't be used right now"},
    "identify.retry": {"zh-CN": "再刷一次", "en": "Scan again"},
    "identify.ask_staff": {
        "zh-CN": "需要帮助请找工作人员，或拨打社区服务电话。",
        "en": "For help, please ask the staff or call the community service desk.",
    },
    "scan.empty": {"zh-CN": "没有读到卡片内容，请再刷一次。", "en": "Nothing was read. Please scan again."},
    "scan.length": {
        "zh-CN": "没能读全这张卡，请把二维码放平再刷一次。",
        "en": "The card was not read completely. Hold the QR code flat and scan again.",
    },
    "scan.character": {
        "zh-CN": "这不是本社区的居民卡，请换一张再试。",
        "en": "This is not one of our resident cards. Please try another.",
    },
    "scan.checksum": {
        "zh-CN": "卡片读错了，请再刷一次。",
        "en": "The card was misread. Please scan again.",
    },
    "scan.unknown": {
        "zh-CN": "系统里没有找到这张卡，请找工作人员核对。",
        "en": "We could not find this card. Please ask the staff to check it.",
    },
    "scan.revoked": {
        "zh-CN": "这张卡已经停用（可能已补办新卡），请使用新卡或找工作人员。",
        "en": "This card is no longer active (perhaps it was replaced). Use your new card or ask the staff.",
    },
    "scan.unavailable": {
        "zh-CN": "系统暂时忙，请稍后再刷，或先用游客身份体验。",
        "en": "The system is busy. Please scan again later, or play as a guest.",
    },
    # greeting
    "greeting.hello": {"zh-CN": "{nickname}，您好！", "en": "Hello, {nickname}!"},
    "greeting.building": {"zh-CN": "{building}", "en": "{building}"},
    "greeting.points": {"zh-CN": "我的积分", "en": "My points"},
    "greeting.badges": {"zh-CN": "我的徽章", "en": "My badges"},
    "greeting.no_badges": {"zh-CN": "还没有徽章，答题就能赢！", "en": "No badges yet — play to earn one!"},
    "greeting.more_badges": {"zh-CN": "还有 {count} 枚", "en": "and {count} more"},
    "greeting.challenge": {"zh-CN": "今日挑战", "en": "Today's challenge"},
    "greeting.start": {"zh-CN": "开始答题", "en": "Start the quiz"},
    "greeting.kids": {"zh-CN": "{nickname}小朋友，欢迎你！", "en": "Welcome, {nickname}!"},
    # topics
    "topics.title": {"zh-CN": "选一个主题", "en": "Choose a topic"},
    "topics.kids_title": {"zh-CN": "小朋友，选一个吧！", "en": "Pick one!"},
    "topic.fire": {"zh-CN": "消防安全", "en": "Fire safety"},
    "topic.home": {"zh-CN": "居家安全", "en": "Home safety"},
    "topic.traffic": {"zh-CN": "交通安全", "en": "Traffic safety"},
    "topic.cyber": {"zh-CN": "网络安全", "en": "Online safety"},
    "topic.fire.hint": {"zh-CN": "火灾预防与逃生", "en": "Prevent fires, escape safely"},
    "topic.home.hint": {"zh-CN": "用电用气与防跌倒", "en": "Power, gas and falls"},
    "topic.traffic.hint": {"zh-CN": "出行与电动车", "en": "Roads and e-bikes"},
    "topic.cyber.hint": {"zh-CN": "防诈骗与个人信息", "en": "Scams and personal data"},
    "topics.empty": {
        "zh-CN": "这个主题的题目还在准备中，请换一个主题。",
        "en": "Questions for this topic are on their way. Please pick another topic.",
    },
    "topics.guest_note": {
        "zh-CN": "游客模式：不记录个人信息，也不累积积分。",
        "en": "Guest mode: nothing personal is stored and no points are kept.",
    },
    # quiz
    "quiz.progress": {"zh-CN": "第 {n} 题 / 共 {total} 题", "en": "Question {n} of {total}"},
    "quiz.true": {"zh-CN": "对", "en": "True"},
    "quiz.false": {"zh-CN": "错", "en": "False"},
    "quiz.choose_all": {"zh-CN": "可以选多个，选好后点“确定”", "en": 'Choose all that apply, then tap "Confirm"'},
    "quiz.confirm": {"zh-CN": "确定", "en": "Confirm"},
    "quiz.correct": {"zh-CN": "答对了！", "en": "Correct!"},
    "quiz.wrong": {"zh-CN": "再想想", "en": "Not quite"},
    "quiz.timeout": {"zh-CN": "时间到", "en": "Time's up"},
    "quiz.right_answer": {"zh-CN": "正确答案：{answer}", "en": "Right answer: {answer}"},
    "quiz.your_choice": {"zh-CN": "你的选择", "en": "Your choice"},
    "quiz.marked_right": {"zh-CN": "正确", "en": "Right"},
    "quiz.next": {"zh-CN": "下一题", "en": "Next"},
    "quiz.finish": {"zh-CN": "看成绩", "en": "See my score"},
    "quiz.seconds_left": {"zh-CN": "还剩 {seconds} 秒", "en": "{seconds} s left"},
    "quiz.listen": {"zh-CN": "再听", "en": "Listen"},
    "quiz.quit": {"zh-CN": "不玩了", "en": "Stop"},
    # results
    "results.title": {"zh-CN": "本轮成绩", "en": "Your score"},
    "results.score": {"zh-CN": "答对 {score} 题，共 {total} 题", "en": "{score} of {total} correct"},
    "results.points": {"zh-CN": "获得积分 +{points}", "en": "Points earned +{points}"},
    "results.balance": {"zh-CN": "积分余额 {balance}", "en": "Balance {balance}"},
    "results.capped": {
        "zh-CN": "今天的答题积分已到上限，明天再来吧！",
        "en": "You reached today's points limit — come back tomorrow!",
    },
    "results.guest": {
        "zh-CN": "游客不累积积分。到社区服务站办一张居民卡，就能攒积分换礼品！",
        "en": "Guests don't collect points. Get a resident card at the service desk to earn rewards!",
    },
    "results.kids_guest": {"zh-CN": "你真棒！", "en": "Well done!"},
    "results.new_badge": {"zh-CN": "新徽章：{badge}", "en": "New badge: {badge}"},
    "results.ranking": {"zh-CN": "楼栋排行榜", "en": "Building ranking"},
    "results.ranking_row": {"zh-CN": "{points} 分", "en": "{points} pts"},
    "results.ranking_empty": {"zh-CN": "快来为你的楼栋争光！", "en": "Be the first to score for your building!"},
    "results.your_building": {"zh-CN": "（我的楼）", "en": " (mine)"},
    "results.again": {"zh-CN": "再玩一轮", "en": "Play again"},
    "results.done": {"zh-CN": "结束", "en": "Finish"},
    "results.praise.all": {"zh-CN": "全部答对，太厉害了！", "en": "All correct — brilliant!"},
    "results.praise.most": {"zh-CN": "答得很好，继续加油！", "en": "Well done — keep it up!"},
    "results.praise.some": {"zh-CN": "每次都学到新知识！", "en": "Every round teaches something new!"},
    "results.save_failed": {
        "zh-CN": "成绩暂时没保存成功，请告诉工作人员。",
        "en": "Your score could not be saved just now. Please tell the staff.",
    },
    # idle
    "idle.title": {"zh-CN": "还在吗？", "en": "Are you still there?"},
    "idle.body": {
        "zh-CN": "{seconds} 秒后回到首页，碰一下屏幕就能继续。",
        "en": "Going back to the start in {seconds} s. Touch the screen to continue.",
    },
    "idle.continue": {"zh-CN": "我还在", "en": "I'm still here"},
    # dates
    "date.day": {"zh-CN": "{month}月{day}日 {weekday}", "en": "{weekday} {day} {month_name}"},
    "date.day_time": {"zh-CN": "{month}月{day}日 {weekday} {time}", "en": "{weekday} {day} {month_name}, {time}"},
}

_WEEKDAYS = {
    "zh-CN": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in.

    An unknown language falls back to Chinese; an unknown key raises ``KeyError`` (a programming
    error that the i18n tests catch before anyone sees it).
    """
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def pick(zh: str, en: str | None, lang: str) -> str:
    """Content text in ``lang``: the English version when asked for and present, else Chinese."""
    return en if lang == "en" and en else zh


def format_date(local: datetime, lang: str, with_time: bool = False) -> str:
    """A local date (and time) the way people read it in ``lang``, e.g. ``11月28日 星期六``."""
    weekdays = _WEEKDAYS.get(lang, _WEEKDAYS[DEFAULT_LANGUAGE])
    key = "date.day_time" if with_time else "date.day"
    return tr(
        key, lang, month=local.month, day=local.day, weekday=weekdays[local.weekday()],
        month_name=_MONTHS_EN[local.month - 1], time=local.strftime("%H:%M"),
    )


def other_language(lang: str) -> str:
    """The language the toggle switches to."""
    return "en" if lang != "en" else "zh-CN"
