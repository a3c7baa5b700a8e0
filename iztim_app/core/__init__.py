"""The domain: plain Python, no Reflex. Services take the acting user and enforce scope."""
