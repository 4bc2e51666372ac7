"""The lobby manager's records compiled: the day's work log, the monthly report, the performance board."""
