"""Notifications: the transactional outbox, its channels (webpush, live, wecom) and the delivering worker."""
