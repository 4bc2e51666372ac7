"""What happens on the floor, for the features above it (care schedules and withdraws its tasks)."""

from server.common.events import events

# sender: the new Visit (flushed, status waiting).
visit_arrived = events.signal("floor.visit-arrived")
# sender: the Visit after a step; kind (EventType), when, actor (User | None), note (str | None).
visit_changed = events.signal("floor.visit-changed")
# sender: the branch id; visit_ids. Each receiver answers {visit_id: {field: value}} for every visit id,
# the fields it adds to the board's rows (care: the visit's open tasks).
board_rows = events.signal("floor.board-rows")
# sender: the branch id. Each receiver answers the business types (values) that no self-service machine of
# the branch can do now (checks: machines with an open out-of-service fault); triage sends them to the counter.
self_service_down = events.signal("floor.self-service-down")
# sender: the branch id. Each receiver answers {field: value} for the top of the board (checks: open `faults`).
board_extras = events.signal("floor.board-extras")
