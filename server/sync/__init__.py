"""Syncing a phone's outbox in batches."""
