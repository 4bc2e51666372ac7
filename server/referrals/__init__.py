"""Referrals: the lobby manager hands a customer to an account manager; accept, decline, meet, outcome, escalation."""
