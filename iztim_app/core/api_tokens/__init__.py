"""API tokens: a user's keys for the JSON API v1, and the idempotency records of its POSTs."""
