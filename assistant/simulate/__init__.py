"""Headless conversations: scenarios of partners' turns run through the real pipeline."""
