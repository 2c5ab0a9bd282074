"""Plaque reports: visitors' reports of damaged or missing plaques, kept as staff tasks."""
