"""The guides a branch starts with: what each business needs, worded in the reader's language. A
supervisor's edit replaces a business's list for the branch (server/guides/service.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.floor.codes import BusinessType as B

DOCUMENT, FORM, FEE, MACHINE = "document", "form", "fee", "machine"
KINDS = (DOCUMENT, FORM, FEE, MACHINE)

ID_CARD = ("id_card", DOCUMENT, _l("ID card (the original, still valid)"))
CARD = ("card", DOCUMENT, _l("The bank card or passbook"))
AGENT = ("agent", DOCUMENT, _l("For an agent: the holder's ID card, the agent's own, and a signed authorisation"))

DEFAULTS: dict[B, tuple[tuple[str, str, object], ...]] = {
    B.WITHDRAWAL: (
        CARD,
        ("id_card_large", DOCUMENT, _l("ID card for CNY 50,000 or more (book large amounts a day ahead)")),
        ("atm", MACHINE, _l("Under the self-service limit: an ATM, no queue")),
    ),
    B.DEPOSIT: (
        CARD,
        ("id_card_large", DOCUMENT, _l("ID card for CNY 50,000 or more")),
        ("atm", MACHINE, _l("Under the self-service limit: a deposit ATM, no queue")),
    ),
    B.TRANSFER: (
        CARD,
        ("payee", DOCUMENT, _l("The payee's name, account number and bank")),
        ID_CARD,
        ("transfer_fee", FEE, _l("Transfers to other banks may carry a fee")),
        ("smart_teller", MACHINE, _l("The smart teller or mobile banking, no queue")),
    ),
    B.BALANCE_ENQUIRY: (CARD, ("atm", MACHINE, _l("Any ATM, the smart teller or mobile banking"))),
    B.ACCOUNT_OPENING: (
        ID_CARD,
        ("phone_own", DOCUMENT, _l("A mobile phone number in the customer's own name")),
        ("purpose", DOCUMENT, _l("Proof of the account's purpose (work, salary, business), if asked")),
        ("opening_form", FORM, _l("Account opening application")),
        ("smart_teller_open", MACHINE, _l("The smart teller opens accounts too")),
    ),
    B.ACCOUNT_CLOSING: (ID_CARD, CARD, ("closing_form", FORM, _l("Account closing application")), AGENT),
    B.CARD_SERVICES: (
        ID_CARD,
        CARD,
        ("card_form", FORM, _l("Card service application")),
        ("card_fee", FEE, _l("A replacement card may carry a fee")),
    ),
    B.WEALTH_MANAGEMENT: (
        ID_CARD,
        CARD,
        ("risk_assessment", FORM, _l("Risk assessment questionnaire (valid one year)")),
    ),
    B.FX: (
        ("passport_or_id", DOCUMENT, _l("ID card, or passport for foreign nationals")),
        ("fx_form", FORM, _l("Foreign exchange application")),
        ("fx_quota", FEE, _l("Annual allowance: USD 50,000 equivalent per person")),
    ),
    B.LOAN_ENQUIRY: (
        ID_CARD,
        ("income", DOCUMENT, _l("Proof of income")),
        ("household", DOCUMENT, _l("Household register and marriage certificate, where they apply")),
    ),
    B.CORPORATE: (
        ("licence", DOCUMENT, _l("Business licence")),
        ("legal_rep_id", DOCUMENT, _l("The legal representative's ID card")),
        ("seals", DOCUMENT, _l("The company's official and financial seals")),
        ("authorisation", DOCUMENT, _l("A letter of authorisation for the person who comes")),
    ),
    B.OTHER: (ID_CARD,),
}
