"""Administration pages: branches and staff accounts."""
