"""Waiting-time care, accompanying and escorts: tasks the floor raises and the lobby manager closes."""
