"""Every string of the templates, the Python code and the JS catalog has a Chinese translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server.config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "server" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
METHODS = [("server/**.py", "python"), ("server/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def test_every_message_in_the_code_is_translated_to_chinese():
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    in_code = {
        msg[2] for msg in extract_from_dir(str(PROJECT_ROOT), METHODS, keywords=KEYWORDS) if isinstance(msg[2], str)
    }
    assert in_code, "extraction found nothing: the test itself is broken"
    missing = sorted(in_code - translated)
    assert missing == [], "run `make i18n-update` and translate these in messages.po"
