"""The `diachido` command line: thin verbs over sites/, qr/ and map/; only `serve` loads the web app."""
