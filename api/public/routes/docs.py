"""The interactive API documentation at `/api/docs`: Swagger UI served by this app from the
fastapi-offline package, never from a CDN, under a Content-Security-Policy that allows only this
origin and the page's own inline script (by its hash)."""

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.csp import docs_policy

ASSETS_PATH = "/static/swagger-ui"  # mounted before /static, which would otherwise answer it
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"


def install_api_docs(app: FastAPI, path: str = "/api/docs") -> None:
    """Serve Swagger UI's files and the documentation page of `app`'s OpenAPI schema at `path`."""
    page = get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} · API",
                               swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                               swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
                               swagger_favicon_url="/static/favicon.svg").body
    # After Swagger UI's stylesheet: larger tap targets on phones.
    page = page.replace(b"swagger-ui.css\">",
                        b"swagger-ui.css\">\n<link rel=\"stylesheet\" href=\"/static/api-docs.css\">", 1)
    inline = [_csp_hash(script) for script in re.findall(rb"<script>(.*?)</script>", page, re.DOTALL)]
    headers = {"Content-Security-Policy": docs_policy(inline)}
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="swagger-ui")

    @app.get(path, include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)


def _csp_hash(script: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
