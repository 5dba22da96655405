"""The second lens's envelope-style HTTP API."""
