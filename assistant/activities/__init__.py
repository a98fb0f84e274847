"""Activities: the activity-specific side of each dialog (items, slots, what gets recorded)."""
