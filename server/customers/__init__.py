"""Customers: who they are, how to greet them, and their personal data kept private (masked, encrypted, audited)."""
