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


def test_a_record_the_server_refuses_is_kept_shown_and_can_be_fixed(live_server, shell, staff):
    shell.click("[data-tab=more]")
    shell.evaluate("""() => LobbypadOutbox.enqueue({kind: 'worklog.entry', url: '/api/v1/worklog/entries',
                                                 body: {id: 'not-a-uuid', body: 'fixed later'}}).then(() => LobbypadOutbox.flush())""")
    shell.wait_for_selector("[data-sync-status][data-state=rejected]")
    rejected = shell.evaluate("() => LobbypadOutbox.rejected()")
    assert len(rejected) == 1 and rejected[0]["status"] == 422 and "id" in rejected[0]["error"]["fields"]
    assert shell.locator("[data-rejected-list] li").count() == 1

    # Signing out now would throw it away: the user is told, and may not do so by accident.
    shell.click("[data-logout]")
    shell.wait_for_selector("[data-logout-warning-text]:has-text('1 records were not accepted by the server')")
    assert shell.locator("[data-logout-discard]").is_visible() and not shell.locator("[data-logout-sync]").is_visible()
    shell.click("[data-logout-cancel]")

    # The field the server named is offered for correction, with its message; the fix goes with the same record.
    field = shell.get_by_label("Record id", exact=True)
    assert field.input_value() == "not-a-uuid" and field.get_attribute("aria-invalid") == "true"
    field.fill("0b6f5f4e-8a57-4f7c-9d35-2f8f1f1d2a10")
    shell.click("[data-rejected-list] button:has-text('Fix and send')")
    shell.wait_for_selector("[data-sync-status][data-state=synced]")
    assert [(e.id, e.body) for e in entries_of(live_server, staff[0])] == [
        ("0b6f5f4e-8a57-4f7c-9d35-2f8f1f1d2a10", "fixed later")
    ]
    assert shell.locator("[data-rejected-list] li").count() == 0


def test_sign_out_offers_to_sync_first_then_signs_out_and_wipes_the_device(live_server, shell, staff):
    shell.click("[data-tab=more]")
    add_note(shell, "online note, leaves a snapshot")
    shell.wait_for_selector("#worklog-feedback:text('Saved')")
    shell.context.set_offline(True)
    add_note(shell, "offline note")
    shell.wait_for_selector("#worklog-feedback:text('Saved on this phone')")
    shell.click("[data-logout]")
    shell.wait_for_selector("[data-logout-warning-text]:has-text('1 records have not reached the server yet')")
    assert not shell.locator("[data-logout-discard]").is_visible()  # unsynced records are never discarded
    shell.click("[data-logout-sync]")
    shell.wait_for_selector("[data-logout-warning-text]:has-text('as soon as every record has reached the server')")
    assert shell.url.endswith("/#more")

    shell.context.set_offline(False)  # back on the network: it syncs, then signs out by itself
    shell.wait_for_url("**/login")
    assert sorted(e.body for e in entries_of(live_server, staff[0])) == [
        "offline note",
        "online note, leaves a snapshot",
    ]
    counts = shell.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('lobbypad');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const stores = ['outbox', 'rejected', 'snapshots', 'meta', 'notices'];
            const tx = open.result.transaction(stores);
            const counts = stores.map(() => 0);
            stores.forEach((name, i) => { tx.objectStore(name).count().onsuccess = (e) => { counts[i] = e.target.result; }; });
            tx.oncomplete = () => resolve(counts);
        };
    })""")
    assert counts == [0, 0, 0, 0, 0]
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


def test_a_note_typed_while_the_previous_one_is_being_sent_is_not_erased(live_server, shell, staff):
    """Seen in CI: the form was cleared when the network answered, so the next note, typed meanwhile, was
    erased and its tap refused as empty. Here the answer is held until the next note is typed."""
    shell.click("[data-tab=more]")
    shell.evaluate("""() => {
        const flush = LobbypadOutbox.flush;
        LobbypadOutbox.flush = () => new Promise((resolve) => { window.releaseFlush = () => resolve(flush()); });
    }""")
    add_note(shell, "First note")
    shell.wait_for_selector("[data-worklog-list] li:has-text('First note')")
    shell.wait_for_function("() => typeof window.releaseFlush === 'function'")
    shell.fill("#worklog-body", "Second note")
    shell.evaluate("() => window.releaseFlush()")
    shell.wait_for_selector("#worklog-feedback:text('Saved')")
    assert shell.locator("#worklog-body").input_value() == "Second note"
    shell.evaluate("() => { window.releaseFlush = null; }")
    shell.click("[data-worklog-form] button[type=submit]")
    shell.wait_for_function("() => typeof window.releaseFlush === 'function'")
    shell.evaluate("() => window.releaseFlush()")
    shell.wait_for_selector("[data-worklog-list] li:not(.pending):has-text('Second note')")
    assert sorted(e.body for e in entries_of(live_server, staff[0])) == ["First note", "Second note"]


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
    # Which field and why, in words, with the value offered for correction.
    ticket = refused.get_by_label("Ticket number", exact=True)
    assert ticket.input_value() == "A0!"
    assert refused.locator(".field-error").inner_text() == "Letters, digits and “-” only."
    shell.locator("[data-last-sync]:has-text('Last synced at')").wait_for()
    assert panel.locator("li").count() == 0

    # Sent again unchanged: refused again for the same reason, still kept.
    before = shell.evaluate("() => LobbypadOutbox.rejected().then((r) => r[0].rejectedAt)")
    refused.locator("button:has-text('Fix and send')").click()
    wait_until(
        shell,
        f"(await LobbypadOutbox.rejected()).some((r) => r.rejectedAt > {before})"
        " && (await LobbypadOutbox.pending()).length === 0",
    )
    # Discard asks first; "no" keeps it, "yes" removes it.
    shell.once("dialog", lambda dialog: dialog.dismiss())
    shell.locator("[data-rejected-list] li button:has-text('Discard')").click()
    assert shell.evaluate("() => LobbypadOutbox.rejected().then((r) => r.length)") == 1
    shell.once("dialog", lambda dialog: dialog.accept())
    shell.locator("[data-rejected-list] li button:has-text('Discard')").click()
    shell.locator("[data-rejected-list] li").wait_for(state="detached")
    assert [e.body for e in entries_of(live_server, staff[0])] == ["Form desk out of pens"]


def test_a_shared_phone_shows_nobody_the_previous_users_records(live_server, shell, staff, new_staff, sign_in):
    """The previous user's session ended (expired) with a note still unsent; a colleague signs in on the same
    phone: they do not see the note, their sign-out leaves it, and it goes under its author when they return."""
    shell.click("[data-tab=more]")
    add_note(shell, "online note of the first user")
    shell.wait_for_selector("[data-worklog-list] li:has-text('online note of the first user')")
    shell.context.set_offline(True)
    add_note(shell, "private note of the first user")
    shell.wait_for_selector("#worklog-feedback:text('Saved on this phone')")
    shell.context.clear_cookies()  # the session ends without sign-out (12 hours passed, or it was revoked)
    shell.context.set_offline(False)

    colleague = new_staff()
    sign_in(shell, *colleague)
    shell.click("[data-tab=more]")
    # The branch's work log comes from the server (the first user's synced note is in it, under their name);
    # the note that never left the phone is not shown to the colleague.
    shell.wait_for_selector("[data-worklog-list] li:has-text('online note of the first user')")
    assert "private note" not in shell.locator("main").inner_text()
    assert shell.locator("[data-others-waiting]").inner_text() == (
        "1 records of another account wait on this phone; they are sent when that account signs in here again."
    )
    assert shell.evaluate("() => LobbypadOutbox.pending().then(r => r.length)") == 0
    assert shell.locator("[data-last-sync]").inner_text() == ""  # the first user's last sync is not theirs
    assert entries_of(live_server, colleague[0]) == []

    shell.click("[data-logout]")  # nothing of theirs waits: they sign out at once
    shell.wait_for_url("**/login")
    sign_in(shell, *staff)
    wait_until(shell, SYNCED)
    assert sorted(e.body for e in entries_of(live_server, staff[0])) == [
        "online note of the first user",
        "private note of the first user",
    ]
    assert entries_of(live_server, colleague[0]) == []


def test_records_of_the_previous_app_version_survive_the_database_upgrade(live_server, page, staff, sign_in):
    """An older version of the app (IndexedDB schema 1, records without their author) left a note in the
    outbox; the new version upgrades the schema in place, gives the note its author and sends it once."""
    with live_server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == staff[0]))
    page.goto("/login")
    page.evaluate(
        """([userId]) => new Promise((resolve, reject) => {
        const open = indexedDB.open('lobbypad', 1);
        open.onupgradeneeded = () => {
            const db = open.result;
            db.createObjectStore('outbox', {keyPath: 'id'}).createIndex('createdAt', 'createdAt');
            db.createObjectStore('rejected', {keyPath: 'id'});
            db.createObjectStore('snapshots', {keyPath: 'key'});
            db.createObjectStore('meta', {keyPath: 'key'});
        };
        open.onsuccess = () => {
            const tx = open.result.transaction(['outbox', 'meta'], 'readwrite');
            tx.objectStore('meta').put({key: 'userId', value: userId});
            tx.objectStore('outbox').put({id: '5a0c3d1e-7b7e-4c2a-9f51-0d3c2b1a0e99', kind: 'worklog.entry',
                method: 'POST', url: '/api/v1/worklog/entries', createdAt: Date.now(), attempts: 3, nextAttemptAt: 0,
                body: {id: '5a0c3d1e-7b7e-4c2a-9f51-0d3c2b1a0e99', body: 'made by version 1'}});
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
    })""",
        [user_id],
    )
    sign_in(page, *staff)
    wait_until(page, SYNCED)
    assert [(e.id, e.body) for e in entries_of(live_server, staff[0])] == [
        ("5a0c3d1e-7b7e-4c2a-9f51-0d3c2b1a0e99", "made by version 1")
    ]
    version, stores = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('lobbypad');
        open.onsuccess = () => { resolve([open.result.version, Array.from(open.result.objectStoreNames)]); open.result.close(); };
    })""")
    assert version == 2 and "notices" in stores


def test_a_page_of_the_older_version_still_saves_after_a_newer_one_upgraded_the_database(live_server, shell, staff):
    """A new version's service worker upgrades IndexedDB (to a schema this page does not know) before the page
    has reloaded into it: the page's next record is still saved and sent, not lost to a VersionError."""
    shell.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('lobbypad', 3);
        open.onupgradeneeded = () => open.result.createObjectStore('added_by_version_3', {keyPath: 'id'});
        open.onsuccess = () => { open.result.close(); resolve(); };
        open.onerror = () => reject(open.error);
    })""")
    shell.click("[data-tab=more]")
    add_note(shell, "written by the page of version 2")
    shell.wait_for_selector("#worklog-feedback:text('Saved')")
    assert [e.body for e in entries_of(live_server, staff[0])] == ["written by the page of version 2"]


def test_a_full_phone_gives_up_its_snapshots_to_keep_the_record_and_still_shows_fresh_data(live_server, shell, staff):
    shell.click("[data-tab=more]")
    wait_until(shell, "(await LobbypadDB.count('snapshots')) > 0")
    # The phone's storage is full: nothing more fits in the snapshots, and the record fits only once room is made.
    shell.evaluate("""() => {
        const put = IDBObjectStore.prototype.put;
        let outboxRefusals = 1;
        IDBObjectStore.prototype.put = function (value, key) {
            if (this.name === 'snapshots' || (this.name === 'outbox' && outboxRefusals-- > 0)) {
                throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            }
            return put.call(this, value, key);
        };
    }""")
    add_note(shell, "written on a full phone")
    shell.wait_for_selector("#worklog-feedback:text('Saved')")
    # The list is read afresh and shown, though the phone cannot keep a copy of it.
    shell.wait_for_selector("[data-worklog-list] li:has-text('written on a full phone')")
    assert shell.locator("[data-worklog-age]").is_hidden()
    assert shell.evaluate("() => LobbypadDB.count('snapshots')") == 0
    assert [e.body for e in entries_of(live_server, staff[0])] == ["written on a full phone"]


def test_what_finishes_after_sign_out_wiped_the_phone_writes_nothing_back(shell):
    """Seen in a CI run: sign-out's wipe left one entry in `meta`, written by a request that began before it
    (the live channel's cursor, a 401's "signed out" flag, the outbox's last sync time)."""
    left = shell.evaluate("""async () => {
        const userId = (await LobbypadDB.get('meta', 'userId')).value;
        await LobbypadDB.wipe(userId);
        const { markSessionEnded } = await import('/static/js/session.js');
        await markSessionEnded();  // a read answered 401 after the sign-out
        await LobbypadDB.putIfSignedIn('meta', { key: 'liveCursor', value: 'late' });
        return (await LobbypadDB.all('meta')).map((entry) => entry.key);
    }""")
    assert left == []
