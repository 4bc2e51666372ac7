"""Names of the staff roles in the user's language."""

from flask_babel import lazy_gettext as _l

from server.common.roles import Role

ROLE_NAMES = {
    Role.LOBBY_MANAGER: _l("Lobby manager"),
    Role.ACCOUNT_MANAGER: _l("Account manager"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
}
