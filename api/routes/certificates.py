"""Certificates of class outings (issue 14): `/verify/{id}`, the page a certificate's QR code opens.

The id is checked against the deployment's key alone (sites/certificates.py): no database row, so a
certificate still checks out after its outing's data was deleted. A genuine id is answered 200 with the facts
it states; any other (forged, altered, cut short, too long) 404 with a page that says "not genuine": there is
no such certificate, and a link checker or a school's script can tell the two apart by the status alone.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import LanguageDep
from api.state import StateDep
from api.templating import render
from sites.certificates import verify

router = APIRouter(include_in_schema=False)


@router.get("/verify/{certificate_id}", response_class=HTMLResponse)
def verify_page(request: Request, state: StateDep, lang: LanguageDep, certificate_id: str) -> HTMLResponse:
    """Whether `certificate_id` is a certificate this deployment issued, and what it states."""
    facts = verify(certificate_id, state.certificate_key.get())
    return render(request, "verify.html", lang, {"facts": facts}, status_code=200 if facts else 404)
