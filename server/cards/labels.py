"""Names of the card types in the user's language."""

from flask_babel import lazy_gettext as _l

from server.cards.models import CardType

CARD_NAMES = {
    CardType.VIP_EXPERIENCE: _l("VIP experience card"),
    CardType.LOBBY_MANAGER_CARD: _l("Lobby manager's business card"),
    CardType.ACCOUNT_MANAGER_CARD: _l("Account manager's business card"),
    CardType.PRODUCT_BROCHURE: _l("Product brochure"),
}

# What the app's JS catalog takes from here (server/shell/messages.py).
JS_LABELS: dict[str, dict] = {"card": CARD_NAMES}
