"""Domain layer: site models, the content loader and the in-memory registry.

Nothing here imports `api/`: the web app, the QR and map builders all read sites through this package.
"""
