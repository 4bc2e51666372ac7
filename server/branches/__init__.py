"""Branches (网点) and their settings."""
