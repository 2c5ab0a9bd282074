"""Visits: what is counted (the gate), the stores that keep counts, and what the counts say."""
