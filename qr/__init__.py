"""QR codes (PNG/SVG, `codes`) and printable posters (PDF, `posters`): pure functions from text to bytes."""
