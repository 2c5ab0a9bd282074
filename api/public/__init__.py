"""What visitors reach: the public routers (routes/) and the counting, stamping and passport parts."""
