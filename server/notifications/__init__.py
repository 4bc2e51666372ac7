"""Notifications: the transactional outbox, its channels (webpush, live) and the delivering worker."""
