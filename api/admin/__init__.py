"""What staff reach: the admin routers (routes/), the session, CSRF, forms and staff tables."""
