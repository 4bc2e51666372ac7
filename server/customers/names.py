"""Chinese names: pinyin search keys and the honorific a customer is greeted with."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

# Surnames read differently from the character's everyday reading (曾 is zēng as a surname, not céng).
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "覃": "qin",
    "翟": "zhai",
    "缪": "miao",
    "尉": "yu",
    "员": "yun",
    "繁": "po",
    "宿": "su",
    "折": "she",
    "种": "chong",
    "秘": "bi",
    "召": "shao",
    "阚": "kan",
    "黑": "he",
    "柏": "bai",
    "薄": "bo",
    "藏": "zang",
    "长": "chang",
    "褚": "chu",
    "都": "du",
    "降": "jiang",
    "句": "gou",
    "隗": "wei",
    "万俟": "moqi",
    "尉迟": "yuchi",
    "长孙": "zhangsun",
    "澹台": "tantai",
    "令狐": "linghu",
}
HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_QUERY = re.compile(r"^[a-zA-Zü' ]+$")


def _syllables(family: str, given: str) -> list[str]:
    if family in SURNAME_READINGS:
        family_syllables = [SURNAME_READINGS[family]]
    elif has_hanzi(family):
        family_syllables = [SURNAME_READINGS.get(ch) or lazy_pinyin(ch)[0] for ch in family]
    else:
        family_syllables = family.split()
    given_syllables = lazy_pinyin(given) if has_hanzi(given) else given.split()
    return [s.lower() for s in family_syllables + given_syllables]


def search_keys(family: str, given: str) -> tuple[str, str]:
    """('lixiaoshan', 'lxs') for 李小山; non-Chinese names keep their letters."""
    syllables = _syllables(family, given or "")
    full = "".join(re.sub(r"[^a-z]", "", s) for s in syllables)
    initials = "".join(s[0] for s in syllables if s and s[0].isalpha())
    return full, initials


def query_key(query: str) -> str:
    """A latin query as typed (`Li Xiao`, `lü`) → the key stored for names (`lixiao`, `lv`)."""
    return re.sub(r"[^a-z]", "", query.lower().replace("ü", "v"))


def is_pinyin_query(query: str) -> bool:
    return bool(LATIN_QUERY.match(query))


def has_hanzi(text: str) -> bool:
    return bool(HAN.search(text))


def family_in_pinyin(family: str) -> str:
    """'Li' for 李 (English greetings); names in latin letters stay as written."""
    if not has_hanzi(family):
        return family
    return "".join(_syllables(family, "")).capitalize()
