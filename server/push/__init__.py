"""Web Push: VAPID keys, device subscriptions, and the webpush delivery channel."""
