"""Pieces shared by every feature: errors, ids, time, access policy."""
