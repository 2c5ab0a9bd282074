"""Certificates of class outings (issue 14): `/passport/certificate.pdf`, the certificate of the cookie's
passport once every stop is stamped, every quiz answered and the outing's pass mark reached (issue 28), and
`/verify/{id}`, the page its QR code opens.

The id is checked against the deployment's key alone (sites/outings/certificate_ids.py): no database row, so a
certificate still checks out after its outing's data was deleted. A genuine id is answered 200 with the facts
it states; any other (forged, altered, cut short, too long) 404 with a page that says "not genuine": there is
no such certificate, and a link checker or a school's script can tell the two apart by the status alone.
"""

import asyncio
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.caches.print_shop import content_key
from api.deps import LanguageDep, reachable_base_url
from api.errors import error_response
from api.public.passport_cookie import passport_progress
from api.state import StateDep
from api.templating import render
from qr.certificate_pdf import CertificateText, certificate
from sites.catalog.i18n import strings
from sites.outings.certificate_ids import CertificateFacts, sign, verify
from sites.outings.outing import Progress, Refusal, journey_questions
from sites.outings.pass_mark import needed, passed
from sites.visits.visit import vietnam_day

router = APIRouter(include_in_schema=False)
DAY_FORMAT = "%d/%m/%Y"


@router.get("/passport/certificate.pdf", dependencies=[Depends(reachable_base_url)])
async def certificate_pdf(request: Request, state: StateDep, lang: LanguageDep) -> Response:
    """The one-page certificate, made in the print worker; 403 without a passport, 409 before it is complete or
    below the outing's pass mark."""
    texts = strings(lang)
    found = await passport_progress(request, state)
    if isinstance(found, Refusal):
        return error_response(request, 403, texts["certificate_no_passport"])
    passport, outing, journey, progress = found
    questions = journey_questions(journey)
    total = sum(map(len, questions.values()))
    if not progress.complete(questions):
        return error_response(request, 409, texts["certificate_not_ready"].format(
            stamped=len(progress.stamps), stops=len(journey.stops), answered=len(progress.answers), questions=total))
    if not passed(outing.pass_percent, progress.score, total):
        return error_response(request, 409, texts["certificate_below_pass_mark"].format(
            score=progress.score, questions=total, needed=needed(outing.pass_percent, total),
            percent=outing.pass_percent))
    facts = CertificateFacts(passport.nickname, outing.name, journey.meta.name, _completed_on(progress),
                             progress.score, total)
    certificate_id = sign(facts, await asyncio.to_thread(state.certificate_key.get))
    settings = state.settings
    text = CertificateText(facts.nickname, facts.outing, facts.journey, facts.day.strftime(DAY_FORMAT), facts.score,
                           facts.questions, f"{settings.base_url}/verify/{certificate_id}", settings.organisation,
                           settings.organisation_logo)
    pdf = await state.print_shop.pdf(content_key(("certificate", text)), certificate, text)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="giay-chung-nhan.pdf"', "Cache-Control": "private, no-store"})


def _completed_on(progress: Progress) -> date:
    """The Vietnamese day of the last stamp or answer: the same certificate however often it is downloaded."""
    return vietnam_day(max(item.at for item in (*progress.stamps, *progress.answers)))


@router.get("/verify/{certificate_id}", response_class=HTMLResponse)
def verify_page(request: Request, state: StateDep, lang: LanguageDep, certificate_id: str) -> HTMLResponse:
    """Whether `certificate_id` is a certificate this deployment issued, and what it states."""
    facts = verify(certificate_id, state.certificate_key.get())
    return render(request, "verify.html", lang, {"facts": facts}, status_code=200 if facts else 404)
