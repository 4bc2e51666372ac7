"""The floor: arrivals (visits), triage, the live waiting board and the queue-ticket machine."""
