"""Certificates and class sheets as a class gets them (issue 14): the PDF states the facts with their
diacritics, its QR code decodes (zxing-cpp) to a `/verify/` URL whose id checks out, and an id with one
character changed, cut short, or signed with another deployment's key does not."""

import secrets
import string
from datetime import UTC, date, datetime, timedelta

import pytest
import zxingcpp

from qr.certificate_pdf import CertificateText, certificate
from qr.outing_sheets import OutingSheetText, outing_sheet_pdf
from sites.outings.certificate_ids import CertificateFacts, sign, verify
from sites.outings.certificate_key_sqlite import KEY_FILE, SQLiteCertificateKey
from sites.outings.outing import journey_questions
from tests.support import BASE_URL, one_line, page_image, page_text, phone

FACTS = CertificateFacts("Nguyễn Thị Ánh Tuyết", "Lớp 10A1 – về nguồn Ô Môn", "Về nguồn Ô Môn", date(2026, 11, 30),
                         7, 9)


def codes(pdf: bytes) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(page_image(pdf))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


def tampered(certificate_id: str, index: int) -> str:
    """`certificate_id` with the character at `index` replaced by another base64url character."""
    return certificate_id[:index] + ("A" if certificate_id[index] != "A" else "B") + certificate_id[index + 1:]


def test_an_id_states_the_facts_and_refuses_any_change(tmp_path):
    key = SQLiteCertificateKey(tmp_path / KEY_FILE).get()
    certificate_id = sign(FACTS, key)
    assert verify(certificate_id, key) == FACTS
    assert all(verify(tampered(certificate_id, index), key) is None for index in range(len(certificate_id)))
    # The last base64 digit holds spare bits that decoding drops: every other digit there is refused too.
    last_digits = string.ascii_letters + string.digits + "-_"
    assert [digit for digit in last_digits if verify(certificate_id[:-1] + digit, key)] == [certificate_id[-1]]
    assert verify(certificate_id[:10] + "." + certificate_id[10:], key) is None  # a stray character
    assert verify(certificate_id[:-1], key) is None
    assert verify(certificate_id[:20], key) is None
    assert verify("", key) is None and verify("!!!", key) is None and verify("Đ" * 30, key) is None
    assert verify(certificate_id, secrets.token_bytes(32)) is None  # another deployment's key


def test_the_key_is_made_once_and_kept_in_the_data_folder(tmp_path):
    first, second = SQLiteCertificateKey(tmp_path / KEY_FILE), SQLiteCertificateKey(tmp_path / KEY_FILE)
    assert first.get() == second.get() and len(first.get()) == 32
    assert SQLiteCertificateKey(tmp_path / KEY_FILE).get() == first.get()  # a restarted server
    assert ((tmp_path / "certificate-key.sqlite3").stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("nickname", ["Nguyễn Thị Ánh Tuyết", "សុខា ស្រីពេជ្រ", "Ẩn Ặc Ỗ Ữ Ỹ " * 3])
def test_the_certificate_prints_the_facts_and_a_code_that_verifies(tmp_path, nickname):
    key = SQLiteCertificateKey(tmp_path / KEY_FILE).get()
    facts = CertificateFacts(nickname, FACTS.outing, FACTS.journey, FACTS.day, FACTS.score, FACTS.questions)
    url = f"{BASE_URL}/verify/{sign(facts, key)}"
    pdf = certificate(CertificateText(nickname, facts.outing, facts.journey, "30/11/2026", 7, 9, url,
                                      "Thành Đoàn Cần Thơ"))
    text = one_line(page_text(pdf))
    for printed in ("GIẤY CHỨNG NHẬN", "Certificate of completion", facts.outing, facts.journey, "7/9",
                    "30/11/2026", "Thành Đoàn Cần Thơ"):
        assert printed in text
    assert nickname.strip() in text
    assert codes(pdf) == [url]
    assert verify(url.rsplit("/", 1)[1], key) == facts


def test_the_class_sheet_prints_the_code_its_link_and_the_steps():
    url = f"{BASE_URL}/class/K7M4QZ"
    pdf = outing_sheet_pdf(OutingSheetText("K7M4QZ", url, "Lớp 10A1 – về nguồn", "Về nguồn Ô Môn",
                                     "01/12/2026 – 05/12/2026", "Thành Đoàn Cần Thơ"))
    text = one_line(page_text(pdf))
    for printed in ("K7M4QZ", "Lớp 10A1 – về nguồn", "Về nguồn Ô Môn", "01/12/2026 – 05/12/2026", "mã khôi phục",
                    "recovery code", "giấy chứng nhận", "certificate"):
        assert printed in text
    assert codes(pdf) == [url]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_verify_says_genuine_on_every_server_and_not_genuine_for_a_changed_id(make_client, tmp_path, backend):
    """Two servers of one deployment (two data folders, one database when PostgreSQL) share the key: an id one
    issued checks out on the other. One character changed, a cut or an absurd id is a 404 page saying so."""
    first = make_client()
    second = make_client(data_dir=tmp_path / "other-data") if backend else make_client()
    certificate_id = sign(FACTS, first.app.state.services.certificate_key.get())
    page = second.get(f"/verify/{certificate_id}?lang=vi", headers=phone(1))
    assert page.status_code == 200
    text = one_line(page.text)
    assert "Chứng nhận hợp lệ" in text and "Genuine certificate" in text
    for fact in (FACTS.nickname, FACTS.journey, FACTS.outing, "7/9", "30/11/2026"):
        assert fact in text
    assert 'name="robots" content="noindex"' in page.text  # nicknames stay out of search engines
    for wrong in (tampered(certificate_id, len(certificate_id) // 2), certificate_id[:-3], "x", "A" * 3000, "%C4%90"):
        refused = second.get(f"/verify/{wrong}?lang=en", headers=phone(1))
        assert refused.status_code == 404, wrong
        assert "Not a genuine certificate" in refused.text and FACTS.nickname not in refused.text


def test_a_complete_passport_downloads_a_certificate_that_verifies(make_client):
    """Through the app: no passport is refused (403), an incomplete one says what is missing (409), a complete
    one gets the PDF whose QR code opens a page that says genuine; one character changed is refused."""
    client = make_client()
    services = client.app.state.services
    store, now = services.outings, datetime.now(UTC)
    journey = services.catalog.journeys.get("ve-nguon-o-mon")
    outing = store.create(journey.slug, "Lớp 10A1 – về nguồn", journey.meta.province, now - timedelta(hours=1),
                          now + timedelta(days=1), "lan", now)
    joined = store.join(outing.code, "Ánh Tuyết", now)
    assert client.get("/passport/certificate.pdf?lang=en", headers=phone(1)).status_code == 403
    client.cookies.set("passport", joined.token)
    questions = journey_questions(journey)
    for slug in questions:
        store.stamp(joined.passport.id, slug, now)
    not_ready = client.get("/passport/certificate.pdf?lang=vi", headers=phone(1))
    assert not_ready.status_code == 409 and "Chưa thể tải giấy chứng nhận" in not_ready.text
    assert f"{len(journey.stops)}/{len(journey.stops)} dấu mộc" in one_line(not_ready.text)
    for slug, ids in questions.items():
        for number, question in enumerate(ids):
            store.answer(joined.passport.id, slug, question, 1, number % 2 == 0, now)
    total, right = sum(map(len, questions.values())), sum((len(ids) + 1) // 2 for ids in questions.values())
    pdf = client.get("/passport/certificate.pdf", headers=phone(1))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = one_line(page_text(pdf.content))
    for printed in ("Ánh Tuyết", "Lớp 10A1 – về nguồn", journey.meta.name, f"{right}/{total}"):
        assert printed in text
    [url] = codes(pdf.content)
    assert url.startswith(f"{BASE_URL}/verify/")
    path = url.removeprefix(BASE_URL)
    genuine = client.get(path + "?lang=vi", headers=phone(2))
    assert genuine.status_code == 200 and "Chứng nhận hợp lệ" in genuine.text and "Ánh Tuyết" in genuine.text
    store.delete(outing.code)  # the outing's data is gone (closed and purged, or deleted): still genuine
    assert client.get(path, headers=phone(2)).status_code == 200
    assert client.get(tampered(path, len(path) - 5), headers=phone(2)).status_code == 404


def test_the_longest_texts_fit_beside_a_larger_code_that_still_decodes(tmp_path):
    """A 40-letter Khmer nickname and a 120-character outing name make a dense code (version 19): it grows so
    that its modules stay 0.5 mm, and the texts wrap clear of it."""
    key = SQLiteCertificateKey(tmp_path / KEY_FILE).get()
    outing = ("Lớp 12A3 Trường THPT chuyên Lý Tự Trọng, thành phố Cần Thơ – về nguồn Ô Môn, tìm hiểu lịch sử "
              "địa phương năm học 2026")[:120]
    facts = CertificateFacts(("ស្រីពេជ្រ សុខា " * 3)[:40].strip(), outing,
                             "Về nguồn Ô Môn: đình, chùa, miếu và di tích cách mạng của quận Ô Môn cũ",
                             FACTS.day, 17, 25)
    url = f"https://diachido.tinhdoan-cantho.org.vn/verify/{sign(facts, key)}"
    pdf = certificate(CertificateText(facts.nickname, facts.outing, facts.journey, "30/11/2026", 17, 25, url,
                                      "Tỉnh Đoàn Cần Thơ"))
    assert codes(pdf) == [url]
    text = one_line(page_text(pdf))
    assert all(part in text for part in (facts.nickname, *facts.outing.split(), *facts.journey.split(), "17/25"))
