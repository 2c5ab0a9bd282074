"""What whoever runs the service reaches: /metrics for Prometheus (routes/), and the middleware that measures and
logs every request (issue 26)."""
