"""Staff: accounts, roles and passwords, server-side sessions, login throttling."""
