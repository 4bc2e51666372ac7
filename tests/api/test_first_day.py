"""The first morning: lobby managers start off duty, and the board says plainly whether anyone is on duty."""

from __future__ import annotations


def test_the_board_says_when_no_lobby_manager_is_on_duty(lobby):
    first = lobby.get("/api/v1/floor")
    assert first.get_json()["lobby_managers_on_duty"] == 0
    assert lobby.put("/api/v1/me/duty", {"on_duty": True}).status_code == 200
    after = lobby.get("/api/v1/floor", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["lobby_managers_on_duty"] == 1
