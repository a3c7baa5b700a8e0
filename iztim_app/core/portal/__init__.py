"""Customer portal: sign-in with a policy's access code and the customer's own policies."""
