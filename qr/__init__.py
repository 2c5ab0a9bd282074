"""QR codes (PNG/SVG) and printable posters (PDF): pure functions from text to bytes. Filled by the QR issue."""
