"""Offline, hands-free voice companion for couples rebuilding trust."""

__version__ = "0.1.0"
