"""One-off (issue 15): rewrite every free-text ``source:`` in content/ as structured citations.

    .venv/bin/python tools/convert_sources.py            # rewrite content/ in place
    .venv/bin/python tools/convert_sources.py --check    # only list segments it cannot map

Each source string is split at 「；」 and every segment is mapped by the table below (written by
hand, segment by segment, against the official titles). A segment the table does not know stops
the run: nothing is guessed. The rewrite is textual (only the ``source:`` line changes) and each
file is re-parsed afterwards to prove nothing else moved. Kept in tools/ as the record of how
the bank was converted; it is not needed again.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTENT = REPO_ROOT / "content"


def law(doc: str, year: int, article: int | None = None, kind: str = "law") -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "id": doc, "year": year}
    if article:
        out["article"] = article
    return out


def reg(doc: str, year: int, article: int | None = None) -> dict[str, Any]:
    return law(doc, year, article, kind="regulation")


def std(code: str, year: int) -> dict[str, Any]:
    return {"kind": "standard", "id": code, "year": year}


def guide(by: str, title: str, year: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "guidance", "by": by, "title": title}
    if year:
        out["year"] = year
    return out


#: Free-text segment -> citations. An empty list drops the segment (say why in the review note).
TABLE: dict[str, list[dict[str, Any]]] = {
    "《中华人民共和国个人信息保护法》": [law("个人信息保护法", 2021)],
    "《中华人民共和国刑法》": [law("刑法", 2023)],
    "《中华人民共和国劳动合同法》": [law("劳动合同法", 2012)],
    "《中华人民共和国反电信网络诈骗法》": [law("反电信网络诈骗法", 2022)],
    "《中华人民共和国无障碍环境建设法》": [law("无障碍环境建设法", 2023)],
    "《中华人民共和国未成年人保护法》": [law("未成年人保护法", 2024)],
    "《中华人民共和国未成年人保护法》第二十一条": [law("未成年人保护法", 2024, 21)],
    "《中华人民共和国民法典》": [law("民法典", 2020)],
    "《中华人民共和国民法典》（禁止从建筑物中抛掷物品）": [law("民法典", 2020, 1254)],
    "《中华人民共和国民法典》（高空抛物、坠物责任）": [law("民法典", 2020, 1254)],
    "《中华人民共和国治安管理处罚法》": [law("治安管理处罚法", 2025)],
    "《中华人民共和国消防法》": [law("消防法", 2021)],
    "《中华人民共和国消防法》第二十八条": [law("消防法", 2021, 28)],
    "《中华人民共和国消防法》（不得占用、堵塞疏散通道）": [law("消防法", 2021, 28)],
    "《中华人民共和国消防法》（严禁谎报火警）": [law("消防法", 2021, 44)],
    "《中华人民共和国消防法》（任何人发现火灾都应当立即报警）": [law("消防法", 2021, 44)],
    "《中华人民共和国消防法》（任何人都有保护消防设施的义务）": [law("消防法", 2021, 5)],
    "《中华人民共和国消防法》（保护消防设施）": [law("消防法", 2021, 5)],
    "《中华人民共和国消防法》（禁止损坏、挪用或者擅自拆除、停用消防设施、器材）": [
        law("消防法", 2021, 28)
    ],
    "《中华人民共和国网络安全法》": [law("网络安全法", 2025)],
    "《中华人民共和国道路交通安全法》": [law("道路交通安全法", 2021)],
    "《中华人民共和国道路交通安全法》及其实施条例": [
        law("道路交通安全法", 2021),
        reg("道路交通安全法实施条例", 2017),
    ],
    "《中华人民共和国道路交通安全法》第五十八条": [law("道路交通安全法", 2021, 58)],
    "《中华人民共和国道路交通安全法》第六十八条": [law("道路交通安全法", 2021, 68)],
    "《中华人民共和国道路交通安全法实施条例》": [reg("道路交通安全法实施条例", 2017)],
    "《住宅设计规范》(GB 50096)": [std("GB 50096", 2011)],
    "《儿童跌倒干预技术指南》（原卫生部）": [guide("原卫生部", "儿童跌倒干预技术指南", 2011)],
    "《儿童道路交通伤害干预技术指南》（原卫生部）": [
        guide("原卫生部", "儿童道路交通伤害干预技术指南", 2011)
    ],
    "《城镇燃气管理条例》": [reg("城镇燃气管理条例", 2016)],
    "《家用燃气灶具》(GB 16410)": [std("GB 16410", 2020)],
    "《建筑防火通用规范》(GB 55037)": [std("GB 55037", 2022)],
    "《未成年人网络保护条例》": [reg("未成年人网络保护条例", 2023)],
    "《机动车儿童乘员用约束系统》(GB 27887)": [std("GB 27887", 2024)],
    "《机动车驾驶证申领和使用规定》": [reg("机动车驾驶证申领和使用规定", 2021)],
    "《烟花爆竹安全管理条例》": [reg("烟花爆竹安全管理条例", 2016)],
    "《电动自行车安全技术规范》(GB 17761)": [std("GB 17761", 2024)],
    "《老年人跌倒干预技术指南》（原卫生部）": [guide("原卫生部", "老年人跌倒干预技术指南", 2011)],
    "《车辆驾驶人员血液、呼气酒精含量阈值与检验》(GB 19522)": [std("GB 19522", 2024)],
    "《高层民用建筑消防安全管理规定》": [reg("高层民用建筑消防安全管理规定", 2021)],
    "《高层民用建筑消防安全管理规定》第三十七条": [reg("高层民用建筑消防安全管理规定", 2021, 37)],
    "中国人民银行": [guide("中国人民银行", "金融消费者风险提示")],
    "中国人民银行征信中心": [guide("中国人民银行征信中心", "防范“征信修复”诈骗提示")],
    "公安机关 儿童安全防范提示": [guide("公安部", "儿童安全防范提示")],
    "公安部": [guide("公安部", "防范电信网络诈骗提示")],
    "公安部交通管理局": [guide("公安部交通管理局", "安全提示")],
    "公安部交通管理局安全提示": [guide("公安部交通管理局", "安全提示")],
    "公安部交通管理局“一盔一带”安全守护行动": [
        guide("公安部交通管理局", "“一盔一带”安全守护行动", 2020)
    ],
    # Local rules are not a national source; the items say 按当地规定 in their own text.
    "各地道路交通安全条例": [],
    "按当地规定": [],
    "国务院安委会《电动自行车安全隐患全链条整治行动方案》": [
        guide("国务院安全生产委员会", "电动自行车安全隐患全链条整治行动方案", 2024)
    ],
    "国家医疗保障局": [guide("国家医疗保障局", "防范医保诈骗提示")],
    "国家卫生健康委员会 中国疾病预防控制中心 老年人跌倒预防科普": [
        guide("国家卫生健康委员会", "老年人跌倒预防科普")
    ],
    "国家卫生健康委员会老年健康核心信息": [guide("国家卫生健康委员会", "老年健康核心信息")],
    "国家反诈中心": [guide("国家反诈中心", "防骗提示")],
    "国家反诈中心防骗提示": [guide("国家反诈中心", "防骗提示")],
    "国家市场监督管理总局《保健食品标注警示用语指南》": [
        guide("国家市场监督管理总局", "保健食品标注警示用语指南", 2019)
    ],
    "国家市场监督管理总局《网络交易监督管理办法》": [reg("网络交易监督管理办法", 2021)],
    "国家市场监督管理总局保健食品消费提示": [guide("国家市场监督管理总局", "保健食品消费提示")],
    "国家新闻出版署《关于进一步严格管理 切实防止未成年人沉迷网络游戏的通知》": [
        guide("国家新闻出版署", "关于进一步严格管理 切实防止未成年人沉迷网络游戏的通知", 2021)
    ],
    "国家消防救援局": [guide("国家消防救援局", "消防安全科普")],
    "国家消防救援局消防安全常识": [guide("国家消防救援局", "消防安全常识")],
    "国家消防救援局家庭防火安全提示": [guide("国家消防救援局", "家庭防火科普")],
    "国家消防救援局火场逃生提示": [guide("国家消防救援局", "消防安全科普（火场逃生常识）")],
    "国家消防救援局电动自行车安全提示": [guide("国家消防救援局", "电动自行车消防安全提示")],
    "中国疾病预防控制中心儿童伤害预防指导": [guide("中国疾病预防控制中心", "儿童伤害预防科普")],
    "城镇燃气安全用气科普": [guide("住房和城乡建设部", "城镇燃气安全用气科普")],
    # A gas company's notice is not a national document; the national body for town gas is
    # 住房和城乡建设部 (城镇燃气管理条例 art. 5).
    "燃气企业安全用气须知": [guide("住房和城乡建设部", "城镇燃气安全用气科普")],
    "工业和信息化部": [guide("工业和信息化部", "防范通信信息诈骗提示")],
    "强制性产品认证（CCC）制度": [guide("国家市场监督管理总局", "强制性产品认证（CCC）")],
    "全国打击整治养老诈骗专项行动": [
        guide("全国打击整治养老诈骗专项行动办公室", "防范养老诈骗提示", 2022)
    ],
    "人力资源和社会保障部": [guide("人力资源和社会保障部", "防范养老诈骗提示")],
    "民政部": [guide("民政部", "防范养老诈骗提示")],
    "应急管理部 国家消防救援局 电动自行车消防安全提示": [
        guide("国家消防救援局", "电动自行车消防安全提示")
    ],
    "应急管理部 国家消防救援局 酒精消毒防火安全提示": [
        guide("国家消防救援局", "酒精消毒防火安全提示")
    ],
    "应急管理部 中国地震局 地震应急避险科普": [guide("应急管理部", "地震应急避险科普")],
    "中国红十字会 应急救护知识": [guide("中国红十字会总会", "应急救护知识")],
    "中国红十字会 应急救护知识（气道异物梗阻）": [
        guide("中国红十字会总会", "应急救护知识（气道异物梗阻）")
    ],
    "中国红十字会 应急救护知识（烧烫伤处理）": [
        guide("中国红十字会总会", "应急救护知识（烧烫伤处理）")
    ],
    "国家反诈中心 防骗提示": [guide("国家反诈中心", "防骗提示")],
}

#: "<body> <title>" segments whose body is one of these are mapped by splitting at the space.
BODIES = (
    "国家消防救援局",
    "中国疾病预防控制中心",
    "国家市场监督管理总局",
    "国家卫生健康委员会",
    "应急管理部",
)


def convert_segment(segment: str) -> list[dict[str, Any]]:
    """The citations for one free-text segment; KeyError when it is not known."""
    if segment in TABLE:
        return TABLE[segment]
    body, _, title = segment.partition(" ")
    if body in BODIES and title:
        return [guide(body, title.strip())]
    raise KeyError(segment)


def convert(text: str) -> list[dict[str, Any]]:
    """A whole free-text source as a de-duplicated list of citations."""
    out: list[dict[str, Any]] = []
    for segment in text.split("；"):
        for citation in convert_segment(segment.strip()):
            if citation not in out:
                out.append(citation)
    return out


_NEEDS_QUOTES = re.compile(r"[,\[\]{}#&*!|>'\"%@`]|: |^[-?]")


def _scalar(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return f'"{text}"' if _NEEDS_QUOTES.search(text) or text[:1].isdigit() else text


def flow(citation: dict[str, Any]) -> str:
    """One citation as a YAML flow mapping on one line."""
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in citation.items()) + "}"


_SOURCE_LINE = re.compile(r"^(?P<indent>\s*)source: (?P<text>\S.*?)\s*(?P<comment>#.*)?$")


def rewrite(path: Path, unknown: set[str]) -> bool:
    """Rewrite one file's ``source:`` lines; True when it changed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    changed = False
    for line in lines:
        match = _SOURCE_LINE.match(line.rstrip("\n"))
        if not match or match["text"].startswith(("{", "[")):
            out.append(line)
            continue
        try:
            citations = convert(match["text"])
        except KeyError as exc:
            unknown.add(str(exc.args[0]))
            out.append(line)
            continue
        indent = match["indent"]
        out.append(f"{indent}source:\n")
        out.extend(f"{indent}  - {flow(c)}\n" for c in citations)
        changed = True
    if changed:
        new = "".join(out)
        before, after = yaml.safe_load("".join(lines)), yaml.safe_load(new)
        _same_except_sources(before, after, path)
        path.write_text(new, encoding="utf-8")
    return changed


def _same_except_sources(before: Any, after: Any, path: Path) -> None:
    if isinstance(before, dict):
        assert isinstance(after, dict) and before.keys() == after.keys(), path
        for key in before:
            if key == "source" and isinstance(before[key], str):
                assert after[key] == convert(before[key]), (path, before[key])
            else:
                _same_except_sources(before[key], after[key], path)
    elif isinstance(before, list):
        assert isinstance(after, list) and len(before) == len(after), path
        for a, b in zip(before, after, strict=True):
            _same_except_sources(a, b, path)
    else:
        assert before == after, (path, before, after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list unknown segments")
    args = parser.parse_args()
    unknown: set[str] = set()
    files = sorted(CONTENT.rglob("*.yml"))
    if args.check:
        for path in files:
            for line in path.read_text(encoding="utf-8").splitlines():
                match = _SOURCE_LINE.match(line)
                if match and not match["text"].startswith(("{", "[")):
                    for segment in match["text"].split("；"):
                        try:
                            convert_segment(segment.strip())
                        except KeyError:
                            unknown.add(segment.strip())
    else:
        changed = [p for p in files if rewrite(p, unknown)]
        print(f"rewrote {len(changed)} files")
    for segment in sorted(unknown):
        print(f"unknown source segment: {segment}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
