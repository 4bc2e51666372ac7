"""Incidents on the floor (illness, loitering, disorder, an equipment failure) and the lost-property register."""
