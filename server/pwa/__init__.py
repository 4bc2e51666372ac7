"""What makes the app installable and offline-capable: service worker, manifest, offline page."""
