"""Response models and what builds and renders them: one model, two renderings (HTML and JSON)."""
