"""Staff accounts, sign-in and access."""
