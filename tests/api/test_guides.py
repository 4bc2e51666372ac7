"""What to bring: every business has a guide (the defaults, in the reader's language), a supervisor replaces
a business's list for the branch, and care records which lines the customer had."""

from __future__ import annotations

from tests.helpers import arrive, assert_error


def test_every_business_has_a_guide_in_the_readers_language(app, floor):
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    guides = floor.lobby.get("/api/v1/guides").get_json()["guides"]
    assert len(guides) == 12 and all(guides.values())
    opening = guides["account_opening"]
    assert opening[0] == {"id": "id_card", "kind": "document", "text": "ID card (the original, still valid)"}
    assert {line["kind"] for line in guides["transfer"]} == {"document", "fee", "machine"}
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "zh"})
    assert (
        floor.lobby.get("/api/v1/guides").get_json()["guides"]["account_opening"][0]["text"]
        == "身份证原件（在有效期内）"
    )


def test_a_supervisor_edits_a_guide_for_the_branch(app, floor, api_factory, make_user):
    lines = [
        {"id": "id_card", "kind": "document", "text": "身份证原件"},
        {"kind": "form", "text": "开户申请书（新版）"},
    ]
    assert_error(floor.lobby.put("/api/v1/guides/account_opening", {"items": lines}), 403, "forbidden")
    saved = floor.supervisor.put("/api/v1/guides/account_opening", {"items": lines}).get_json()["items"]
    assert saved[0]["id"] == "id_card" and len(saved[1]["id"]) == 12
    assert floor.lobby.get("/api/v1/guides").get_json()["guides"]["account_opening"] == saved
    other = api_factory()
    other.login(make_user("lobby_manager", branch_code="B002"))
    assert len(other.get("/api/v1/guides").get_json()["guides"]["account_opening"]) == 5  # still the defaults
    assert_error(floor.supervisor.put("/api/v1/guides/lottery", {"items": lines}), 404, "not_found")
    assert_error(floor.supervisor.put("/api/v1/guides/fx", {"items": []}), 422, "validation_failed")
    bad = [{"kind": "bribe", "text": "红包"}]
    assert_error(floor.supervisor.put("/api/v1/guides/fx", {"items": bad}), 422, "validation_failed")


def test_forms_checked_records_the_lines_the_customer_had(app, floor):
    arrive(floor.lobby, ticket="A001", business_type="account_opening", flags=["elderly"])
    task = next(t for t in floor.lobby.get("/api/v1/care-tasks").get_json()["tasks"] if t["kind"] == "green_channel")
    url = f"/api/v1/care-tasks/{task['id']}/done"
    body = {"actions": ["accompanied"], "checked": ["id_card"]}
    assert_error(floor.lobby.post(url, body), 422, "validation_failed")  # lines are checked with forms_checked
    done = floor.lobby.post(url, {"actions": ["accompanied", "forms_checked"], "checked": ["id_card", "phone_own"]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["task"]["checked"] == ["id_card", "phone_own"]
