"""Kiosk cold start against a browser: whole process, from the shell to the first frame on screen.

The kiosk: ``python -m kiosk --headless`` with a robot script whose only step is
``screenshot: first`` (a warm data folder: database made and content cache filled by one run
first, as on a kiosk that has started before). The browser: Debian's Chromium showing a static
1920×1080 quiz page headless to a screenshot. Both are timed from process start to process
exit, in the same run, alternately; each prints best and median of ``RUNS`` and the ratio of the
medians (target: kiosk ≤ 1.0× Chromium). The kiosk's time to its PNG existing is printed too.

Run: ``.venv/bin/python -m bench startup`` (Chromium at /usr/bin/chromium; ``apt-get install
chromium`` when missing).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 7
CHROMIUM = os.environ.get("SAFEZONE_CHROMIUM", "/usr/bin/chromium")

QUIZ_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>安全知识问答</title>
<style>
 body { margin: 0; width: 1920px; height: 1080px; background: #fff8ec; font-family: sans-serif; color: #1f1a14; }
 header { height: 128px; background: #f7e6c8; border-bottom: 8px solid #ffcf4a; display: flex; align-items: center; padding: 0 60px; font-size: 44px; font-weight: bold; }
 h1 { font-size: 56px; margin: 40px 60px 10px; }
 p.progress { font-size: 36px; margin: 0 60px; color: #5a4e40; }
 .options { display: grid; grid-template-columns: 1fr 1fr; gap: 40px; margin: 50px 60px; }
 .options button { height: 180px; font-size: 44px; border-radius: 32px; border: 4px solid #0f5560; background: #fff; text-align: left; padding-left: 40px; }
</style></head>
<body><header>锦秀城三期 · 安全体验区</header>
<h1>电动自行车可以在楼道里充电吗？</h1><p class="progress">第 1 题，共 5 题</p>
<div class="options"><button>A. 可以，晚上充满就行</button><button>B. 不可以，要到集中充电点</button>
<button>C. 只要有人看着就可以</button><button>D. 冬天可以</button></div>
</body></html>
"""


def _timed(command: list[str], env: dict[str, str], marker: Path | None = None) -> tuple[float, float | None]:
    """(seconds to exit, seconds until ``marker`` existed) of one run; raises if it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = None
    while proc.poll() is None:
        if seen is None and marker is not None and marker.exists():
            seen = time.perf_counter() - started
        time.sleep(0.002)
    total = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} exited {proc.returncode}: {stderr[-500:]}")
    if marker is not None and seen is None:
        seen = total if marker.exists() else None
    return total, seen


def kiosk_run(tmp: Path, data_dir: Path, run: int) -> tuple[float, float | None]:
    """One kiosk process drawing its first frame to a PNG."""
    script = tmp / "first-frame.txt"
    script.write_text("screenshot: first\n", encoding="utf-8")
    shots = tmp / f"kiosk-{run}"
    env = {"SAFEZONE_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "SDL_VIDEODRIVER": "dummy",
           "SDL_AUDIODRIVER": "dummy", "HOME": str(tmp)}
    command = [sys.executable, "-m", "kiosk", "--headless", "--script", str(script), "--screenshots", str(shots),
               "--log", str(tmp / f"kiosk-{run}.jsonl")]
    total, first = _timed(command, env, shots / "first.png")
    if not (shots / "first.png").exists():
        raise SystemExit("the kiosk wrote no screenshot")
    return total, first


def chromium_run(tmp: Path, page: Path, run: int) -> float:
    """One headless Chromium process showing the quiz page to a PNG."""
    out = tmp / f"chromium-{run}.png"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp)}
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               f"--user-data-dir={tmp / 'chromium-profile'}", "--window-size=1920,1080", "--hide-scrollbars",
               f"--screenshot={out}", page.as_uri()]
    total, _ = _timed(command, env)
    if not out.exists():
        raise SystemExit("Chromium wrote no screenshot")
    return total


def _make_database(data_dir: Path) -> None:
    """``safezone init`` for the kiosk's data folder (an empty community: attract needs no more)."""
    from safezone.app_context import open_database
    from safezone.config import Settings

    open_database(Settings(data_dir=data_dir), migrate=True).dispose()


def main() -> None:
    """Warm both up once, then time them alternately and print the figures and the ratio."""
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        data_dir = tmp / "var"
        page = tmp / "quiz.html"
        page.write_text(QUIZ_PAGE, encoding="utf-8")
        _make_database(data_dir)
        kiosk_run(tmp, data_dir, -1)  # fills the content cache
        chromium_run(tmp, page, -1)  # makes the profile
        kiosk_totals, kiosk_firsts, chromium_totals = [], [], []
        for run in range(RUNS):
            total, first = kiosk_run(tmp, data_dir, run)
            kiosk_totals.append(total)
            if first is not None:
                kiosk_firsts.append(first)
            chromium_totals.append(chromium_run(tmp, page, run))
    kiosk_median = statistics.median(kiosk_totals)
    chromium_median = statistics.median(chromium_totals)
    print(f"kiosk, shell to first frame and exit: best {min(kiosk_totals):.2f} s, median {kiosk_median:.2f} s "
          f"(first frame saved at median {statistics.median(kiosk_firsts):.2f} s)")
    print(f"chromium, static 1920x1080 quiz page to a screenshot: best {min(chromium_totals):.2f} s, "
          f"median {chromium_median:.2f} s")
    print(f"ratio kiosk / chromium (medians): {kiosk_median / chromium_median:.2f}x (target <= 1.0x); "
          f"{RUNS} runs each, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
