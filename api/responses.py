"""The documented extra responses of the API's routes (for /openapi.json), in one place for every router."""

from api.schemas import ErrorOut

NOT_FOUND = {404: {"model": ErrorOut, "description": "No published site has this slug"}}
MOVED = {301: {"description": "The slug is an alias or differently cased: redirects to the canonical slug"}}
NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match is still current"}}
REFUSED = {409: {"description": "DIACHIDO_BASE_URL is a loopback address that phones cannot open (see the README)"}}
BUSY = {503: {"description": "Too many files are being made; try again after Retry-After seconds"}}
PDF = {200: {"content": {"application/pdf": {}}, "description": "A print-ready PDF, one page per site"}}
