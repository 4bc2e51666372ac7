"""Complaints: first-responder ownership, the escalation ladder and the regulator's clocks."""
