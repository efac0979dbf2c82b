"""The district centre: every hall's event stream on PostgreSQL, and what it shows."""
