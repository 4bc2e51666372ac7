"""What happens to a branch, for the features above it."""

from server.common.events import events

# sender: the Branch; before, after (BranchSettings). Care re-times the customers waiting now.
settings_changed = events.signal("branches.settings-changed")
