"""The local JSON store: crash-safe, private, readable."""
