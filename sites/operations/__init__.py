"""Running the service: its version, metrics for Prometheus, the request log, the schema version of the stores and
their upgrades, and the doctor's checks of a deployment (issue 26)."""
