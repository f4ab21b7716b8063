"""Planning tools for the pre-project chapters (WIP)."""
