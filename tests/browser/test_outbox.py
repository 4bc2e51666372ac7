"""Writes go through the IndexedDB outbox: made offline, kept, sent exactly once when back online."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.floor.models import Visit
from server.worklog.models import WorkLogEntry
from tests.helpers import SYNCED, wait_until

PENDING = "() => LobbypadOutbox.pending().then(r => r.length)"


def entries_of(live_server, username: str) -> list[WorkLogEntry]:
    with live_server.app.app_context():
        author = db.session.scalar(select(User.id).where(User.username == username))
        return list(db.session.scalars(select(WorkLogEntry).where(WorkLogEntry.author_id == author)))


def add_note(page, text: str) -> None:
    page.fill("#worklog-body", text)
    page.click("[data-worklog-form] button[type=submit]")


def test_online_note_is_saved_and_listed(live_server, shell, staff):
    shell.click("[data-tab=more]")
    add_note(shell, "ATM 2 out of paper, reported")
    shell.wait_for_selector("#worklog-feedback:text('Saved')")
    shell.wait_for_selector("[data-worklog-list] li:has-text('ATM 2 out of paper, reported')")
    assert [e.body for e in entries_of(live_server, staff[0])] == ["ATM 2 out of paper, reported"]


def test_empty_note_is_refused_on_the_device(shell):
    shell.click("[data-tab=more]")
    add_note(shell, "   ")
    assert shell.locator("#worklog-body").get_attribute("aria-invalid") == "true"
    assert shell.locator("#worklog-feedback").inner_text() == "Write something first."
    assert shell.evaluate(PENDING) == 0


def test_offline_note_waits_in_the_outbox_and_reaches_the_server_exactly_once(live_server, shell, staff):
    shell.click("[data-tab=more]")
    shell.context.set_offline(True)
    add_note(shell, "Queue machine paper jam at 10:40")
    shell.wait_for_selector("#worklog-feedback:text('Saved on this phone')")
    assert shell.evaluate(PENDING) == 1
    assert shell.locator("[data-sync-status]").inner_text().startswith("1 waiting to sync")
    shell.wait_for_selector("[data-worklog-list] li.pending:has-text('Queue machine paper jam')")
    assert entries_of(live_server, staff[0]) == []

    # The outbox survives a reload while still offline (it lives in IndexedDB, not in memory).
    shell.reload()
    shell.wait_for_selector("body[data-ready=true]")
    assert shell.evaluate(PENDING) == 1

    # Back online: the page's `online` handler and Background Sync both send it; the server keeps one.
    shell.context.set_offline(False)
    wait_until(shell, SYNCED)
    shell.wait_for_selector("[data-sync-status][data-state=synced]")
    shell.evaluate("() => LobbypadOutbox.flush()")  # one more retry of nothing: still one record
    entries = entries_of(live_server, staff[0])
    assert [e.body for e in entries] == ["Queue machine paper jam at 10:40"]
    assert shell.evaluate("() => LobbypadOutbox.rejected().then(r => r.length)") == 0


def test_a_record_the_server_refuses_is_kept_and_shown(shell):
    shell.click("[data-tab=more]")
    shell.evaluate("""() => LobbypadOutbox.enqueue({kind: 'worklog.entry', url: '/api/v1/worklog/entries',
                                                 body: {id: 'not-a-uuid', body: 'x'}}).then(() => LobbypadOutbox.flush())""")
    shell.wait_for_selector("[data-sync-status][data-state=rejected]")
    rejected = shell.evaluate("() => LobbypadOutbox.rejected()")
    assert len(rejected) == 1 and rejected[0]["status"] == 422 and "id" in rejected[0]["error"]["fields"]
    assert shell.locator("[data-rejected-list] li").count() == 1


def test_sign_out_is_refused_while_records_wait_then_wipes_the_device(shell):
    shell.click("[data-tab=more]")
    add_note(shell, "online note, leaves a snapshot")
    shell.wait_for_selector("#worklog-feedback:text('Saved')")
    shell.context.set_offline(True)
    add_note(shell, "offline note")
    shell.wait_for_selector("#worklog-feedback:text('Saved on this phone')")
    shell.click("[data-logout]")
    shell.wait_for_selector("[data-logout-feedback]:has-text('have not reached the server')")
    assert shell.url.endswith("/#more") or shell.url.endswith("/")

    shell.context.set_offline(False)
    wait_until(shell, SYNCED)
    shell.click("[data-logout]")
    shell.wait_for_url("**/login")
    counts = shell.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('lobbypad');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const stores = ['outbox', 'rejected', 'snapshots', 'meta'];
            const tx = open.result.transaction(stores);
            const counts = stores.map(() => 0);
            stores.forEach((name, i) => { tx.objectStore(name).count().onsuccess = (e) => { counts[i] = e.target.result; }; });
            tx.oncomplete = () => resolve(counts);
        };
    })""")
    assert counts == [0, 0, 0, 0]
    # the signed-in shell (it shows the user's name) is gone from the page cache
    assert not shell.evaluate("() => caches.match(location.origin + '/').then(Boolean)")
    assert shell.goto("/").url.endswith("/login?next=/")


def test_the_second_answer_to_a_record_sent_twice_changes_nothing(shell):
    """The page and the service worker may both send a record: whoever answers second finds it settled
    (seen in CI: a refused record came back to "rejected" after the form had dismissed it)."""
    outcome = shell.evaluate("""async () => {
        const record = {id: "twice-1", kind: "test", method: "POST", url: "/x", body: {}, createdAt: Date.now(),
                        attempts: 0, nextAttemptAt: 0};
        await LobbypadDB.put("outbox", record);
        const first = await LobbypadDB.move("outbox", "rejected", record.id, {...record, status: 422});
        await LobbypadOutbox.dismissRejected(record.id);
        const second = await LobbypadDB.move("outbox", "rejected", record.id, {...record, status: 422});
        const retried = await LobbypadDB.replace("outbox", {...record, attempts: 1});
        return {first, second, retried, rejected: (await LobbypadOutbox.rejected()).length,
                pending: (await LobbypadOutbox.pending()).length};
    }""")
    assert outcome == {"first": True, "second": False, "retried": False, "rejected": 0, "pending": 0}


def test_many_offline_records_go_back_in_batches_each_kept_once(live_server, shell, staff):
    shell.click("[data-tab=more]")
    shell.context.set_offline(True)
    notes = [f"Offline note {n}" for n in range(7)]
    for note in notes:
        add_note(shell, note)
        shell.wait_for_selector(f"[data-worklog-list] li.pending:has-text('{note}')")
    shell.evaluate("""() => LobbypadOutbox.enqueue({kind: "worklog.entry", url: "/api/v1/worklog/entries",
                                                    body: {id: "not-a-uuid", body: "bad id"}})""")
    assert shell.evaluate(PENDING) == 8
    requests = []
    shell.on("request", lambda request: requests.append(request.url) if "/api/v1/" in request.url else None)
    shell.context.set_offline(False)
    wait_until(shell, SYNCED)
    assert sorted(e.body for e in entries_of(live_server, staff[0])) == sorted(notes)
    # One bad record is refused and kept for the user; the others are not held back by it.
    rejected = shell.evaluate("() => LobbypadOutbox.rejected()")
    assert [r["body"]["body"] for r in rejected] == ["bad id"] and rejected[0]["status"] == 422
    assert any(url.endswith("/api/v1/sync") for url in requests)


def test_an_arrival_and_its_step_made_in_the_same_millisecond_keep_their_order(live_server, shell):
    """Records made in one tick used to share a timestamp and could be sent step first (404, rejected)."""
    shell.context.set_offline(True)
    visits = shell.evaluate("""async () => {
        const Outbox = self.LobbypadOutbox, ids = [];
        for (let n = 0; n < 30; n += 1) {
            const id = Outbox.uuid(), step = Outbox.uuid();
            ids.push(id);
            await Promise.all([
                Outbox.enqueue({id, kind: "visit.create", url: "/api/v1/visits",
                                body: {id, ticket: `T${n}`, business_type: "deposit"}}),
                Outbox.enqueue({id: step, kind: "visit.event", url: `/api/v1/visits/${id}/events`,
                                body: {id: step, type: "called"}}),
            ]);
        }
        return ids;
    }""")
    shell.context.set_offline(False)
    wait_until(shell, SYNCED)
    assert shell.evaluate("() => LobbypadOutbox.rejected().then((r) => r.length)") == 0
    with live_server.app.app_context():
        statuses = {v.id: v.status.value for v in db.session.scalars(select(Visit).where(Visit.id.in_(visits)))}
    assert statuses == dict.fromkeys(visits, "called")


def test_the_sync_panel_lists_what_waits_and_what_was_refused_and_why(live_server, shell, staff):
    shell.click("[data-tab=more]")
    shell.context.set_offline(True)
    add_note(shell, "Form desk out of pens")
    panel = shell.locator("[data-pending-list]")
    panel.locator("li:has-text('Work log · Form desk out of pens')").wait_for()
    assert "waiting since" in panel.locator("li").first.inner_text()
    shell.evaluate("""() => LobbypadOutbox.enqueue({kind: "visit.create", url: "/api/v1/visits",
                       body: {id: LobbypadOutbox.uuid(), ticket: "A0!", business_type: "deposit"},
                       local: {ticket: "A0!"}})""")
    shell.context.set_offline(False)
    wait_until(shell, SYNCED)
    refused = shell.locator("[data-rejected-list] li:has-text('Arrival · A0!')")
    refused.wait_for()
    assert "ticket" in refused.locator(".field-error").inner_text()  # which field, not only that it failed
    shell.locator("[data-last-sync]:has-text('Last synced at')").wait_for()
    assert panel.locator("li").count() == 0

    # Send again: refused again for the same reason, still kept.
    before = shell.evaluate("() => LobbypadOutbox.rejected().then((r) => r[0].rejectedAt)")
    refused.locator("button:has-text('Send again')").click()
    wait_until(shell, f"(await LobbypadOutbox.rejected()).some((r) => r.rejectedAt > {before})"
                      " && (await LobbypadOutbox.pending()).length === 0")
    # Discard asks first; "no" keeps it, "yes" removes it.
    shell.once("dialog", lambda dialog: dialog.dismiss())
    shell.locator("[data-rejected-list] li button:has-text('Discard')").click()
    assert shell.evaluate("() => LobbypadOutbox.rejected().then((r) => r.length)") == 1
    shell.once("dialog", lambda dialog: dialog.accept())
    shell.locator("[data-rejected-list] li button:has-text('Discard')").click()
    shell.locator("[data-rejected-list] li").wait_for(state="detached")
    assert [e.body for e in entries_of(live_server, staff[0])] == ["Form desk out of pens"]
