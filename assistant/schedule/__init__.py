"""The calendar: when scheduled prompts are due (pure functions) and the always-on loop that speaks them."""
