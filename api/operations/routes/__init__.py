"""The operators' routers: /metrics."""
