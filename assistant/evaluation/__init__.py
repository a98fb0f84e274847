"""Hearing evaluation: a generated speech corpus, calibration of acceptance thresholds, the hearing bench."""
