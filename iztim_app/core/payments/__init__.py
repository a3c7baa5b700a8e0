"""Card payments: the gateway interface and the built-in test bank."""
