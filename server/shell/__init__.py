"""The app shell: the one page the handheld runs in."""
