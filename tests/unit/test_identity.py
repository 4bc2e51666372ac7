"""Personal numbers (validation, masking, encryption, blind index) and pinyin search keys."""

from __future__ import annotations

import pytest

from server.common.vault import Vault
from server.customers.identity import InvalidNumber, protect_card_number, protect_id_number, protect_phone
from server.customers.names import family_in_pinyin, query_key, search_keys

VALID_ID = "11010519491231002X"


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "8613812345678"])
def test_phone_is_normalized_and_masked(app, raw):
    with app.test_request_context():
        protected = protect_phone(raw)
    assert (protected.normalized, protected.last4, protected.masked) == ("13812345678", "5678", "138****5678")


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "010-62345678", "+1 415 555 0100", "phone"])
def test_bad_phones_are_refused(app, raw):
    with app.test_request_context(), pytest.raises(InvalidNumber):
        protect_phone(raw)


def test_id_number_checksum_and_mask(app):
    with app.test_request_context():
        assert protect_id_number(VALID_ID.lower()).masked == "1101**********002X"
        for bad in ("110105194912310021", "11010519491231002", "ABCDEFGHIJKLMNOPQR"):
            with pytest.raises(InvalidNumber):
                protect_id_number(bad)


def test_card_number_luhn(app):
    with app.test_request_context():
        assert protect_card_number("6222 0202 0011 2345 679").masked == "6222 **** **** 5679"
        with pytest.raises(InvalidNumber):
            protect_card_number("6222020200112345678")


def test_vault_round_trip_binds_the_field_and_hides_the_value():
    vault = Vault("k" * 48)
    token = vault.encrypt("phone", "13812345678")
    assert "13812345678" not in token and token.startswith("k") and "." in token  # names its key (rotation)
    assert token != vault.encrypt("phone", "13812345678")  # random nonce
    assert vault.decrypt("phone", token) == "13812345678"
    with pytest.raises(ValueError):
        vault.decrypt("id_number", token)  # a phone cipher cannot pass as an ID number
    with pytest.raises(ValueError):
        Vault("z" * 48).decrypt("phone", token)
    assert vault.blind_index("phone", "13812345678") == vault.blind_index("phone", "13812345678")
    assert vault.blind_index("phone", "13812345678") != Vault("z" * 48).blind_index("phone", "13812345678")
    assert vault.blind_index("phone", "1") != vault.blind_index("card", "1")


@pytest.mark.parametrize(
    "family, given, full, initials",
    [
        ("李", "小山", "lixiaoshan", "lxs"),
        ("曾", "国藩", "zengguofan", "zgf"),  # surname reading, not céng
        ("单", "田芳", "shantianfang", "stf"),
        ("欧阳", "娜娜", "ouyangnana", "oynn"),
        ("吕", "布", "lvbu", "lb"),
        ("王", "", "wang", "w"),
        ("Smith", "John", "smithjohn", "sj"),
    ],
)
def test_search_keys(family, given, full, initials):
    assert search_keys(family, given) == (full, initials)


def test_queries_are_read_like_the_keys():
    assert query_key("Li Xiao") == "lixiao"
    assert query_key("lü") == "lv"
    assert query_key("li'an") == "lian"
    assert family_in_pinyin("欧阳") == "Ouyang"
