"""Makes tests/lists/di-tich-143.csv (issue 23): how provinces' lists word relics, 143 rows.

Run once: the CSV is committed, and tests/test_import_lists.py reads it."""
import csv
import io
import itertools
from pathlib import Path

COLUMNS = ["name", "category", "address.text", "address.province", "recognition.level", "recognition.kind",
           "recognition.decision", "recognition.year", "summary", "tags"]
REVIEW = "Dữ liệu thử cho việc nhập danh sách (issue 23), chưa đối chiếu với nguồn: chờ kiểm tra."
SYNTHETIC = "Dữ liệu thử tổng hợp (issue 23): tên, số và ngày quyết định là giả, chỉ để thử cách ghi."
rows = []
# Real relics, named as lists name them, with their province as the list writes it (often a former one) and the
# level as the issue says such lists word it. Kinds and decisions are left out: not checked here.
REAL = [
    ("Khu di tích lịch sử Đền Hùng", "den", "Phú Thọ", "Di tích quốc gia đặc biệt"),
    ("Hoàng thành Thăng Long", "other", "Hà Nội", "Di tích Quốc gia đặc biệt"),
    ("Văn Miếu - Quốc Tử Giám", "other", "TP. Hà Nội", "quốc gia đặc biệt"),
    ("Địa đạo Củ Chi", "revolutionary-relic", "TP. Hồ Chí Minh", "Di tích quốc gia đặc biệt"),
    ("Côn Sơn - Kiếp Bạc", "other", "Hải Dương", "DI TÍCH QUỐC GIA ĐẶC BIỆT"),
    ("Khu di tích Đền Trần", "den", "Nam Định", "Di tích quốc gia đặc biệt"),
    ("Thành nhà Hồ", "other", "Thanh Hoá", "Di tích quốc gia đặc biệt"),
    ("Chùa Keo", "chua", "Thái Bình", "di tich quoc gia dac biet"),
    ("Khu di tích Pác Bó", "revolutionary-relic", "Cao Bằng", "Di tích quốc gia đặc biệt"),
    ("Khu di tích Tân Trào", "revolutionary-relic", "Tuyên Quang", "Quốc gia đặc biệt"),
    ("Khu di tích Kim Liên", "revolutionary-relic", "Nghệ An", "Di tích quốc gia đặc biệt"),
    ("Khu đền tháp Mỹ Sơn", "other", "Quảng Nam", "Di tích quốc gia đặc biệt"),
    ("Đô thị cổ Hội An", "other", "Tỉnh Quảng Nam", "Di tích quốc gia đặc biệt"),
    ("Di tích Nhà tù Côn Đảo", "revolutionary-relic", "Bà Rịa - Vũng Tàu", "Di tích quốc gia đặc biệt"),
    ("Di tích Nhà tù Phú Quốc", "revolutionary-relic", "Kiên Giang", "Di tích quốc gia đặc biệt"),
    ("Cố đô Hoa Lư", "other", "Ninh Bình", "Di tích quốc gia đặc biệt"),
    ("Thành cổ Quảng Trị", "revolutionary-relic", "Quảng Trị", "Di tích quốc gia đặc biệt"),
    ("Khu di tích Yên Tử", "chua", "Quảng Ninh", "Di tích quốc gia đặc biệt"),
    ("Di tích Óc Eo - Ba Thê", "other", "An Giang", "Di tích quốc gia đặc biệt"),
    ("Đường Trường Sơn - Đường Hồ Chí Minh", "revolutionary-relic",
     "Quảng Bình, Quảng Trị, Thừa Thiên Huế, Quảng Nam, Kon Tum, Gia Lai, Đắk Lắk, Đắk Nông, Bình Phước, "
     "Nghệ An, Hà Tĩnh", "Di tích quốc gia đặc biệt"),
]
for name, category, province, level in REAL:
    rows.append([name, category, f"{name}, {province}", province, level, "", "", "", REVIEW,
                 "dữ liệu thử, chờ kiểm tra"])

# Synthetic rows: every province as lists write it (the 63 former and the 34 current, with prefixes and
# accents placed either way), every wording of levels and kinds and decision formats seen in lists.
PROVINCES = ["Hà Nội", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La",
             "Yên Bái", "Hoà Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc",
             "Bắc Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
             "Thanh Hoá", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng", "Quảng Nam",
             "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hoà", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
             "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai",
             "Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long",
             "Đồng Tháp", "An Giang", "Kiên Giang", "Thành phố Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu",
             "Cà Mau", "Huế", "tỉnh Thanh Hóa", "TP.HCM", "Tp. Đà Nẵng", "Tỉnh Khánh Hòa"]
LEVELS = ["Di tích quốc gia đặc biệt", "Di tích quốc gia", "Di tích cấp quốc gia", "Quốc gia", "cấp tỉnh",
          "Di tích cấp tỉnh", "Cấp Tỉnh", "cấp thành phố", "Di tích cấp thành phố", "quoc gia", "national",
          "provincial"]
KINDS = ["Di tích lịch sử", "Di tích lịch sử - văn hóa", "Di tích lịch sử - văn hoá", "Di tích kiến trúc nghệ thuật",
         "Di tích kiến trúc - nghệ thuật", "Di tích lịch sử và kiến trúc nghệ thuật",
         "Di tích khảo cổ và danh lam thắng cảnh", "Di tích khảo cổ học", "Danh lam thắng cảnh",
         "Di tích lịch sử, kiến trúc nghệ thuật", "Di tích lịch sử văn hóa - kiến trúc nghệ thuật",
         "Di tích lịch sử cách mạng", "Lịch sử và danh lam thắng cảnh", "", "history, architecture-art"]
DECISIONS = ["Quyết định số {n}/QĐ-UBND ngày {d}/{m}/{y}", "{n}/QĐ-BVHTTDL ngày {d:02d}/{m:02d}/{y}",
             "{n}/QĐ-UBND, ngày {d} tháng {m} năm {y}", "QĐ {n}/QĐ-BVHTT ngày {d}-{m}-{y}", "",
             "Quyết định {n} năm {y}"]
CATEGORIES = ["dinh", "chua", "mieu", "den", "lang", "revolutionary-relic", "landscape", "other"]
for number, province, level, kind, decision, category in zip(
        range(1, 113), itertools.cycle(PROVINCES), itertools.cycle(LEVELS), itertools.cycle(KINDS),
        itertools.cycle(DECISIONS), itertools.cycle(CATEGORIES)):
    year, day, month = 1990 + number % 30, 1 + number % 28, 1 + number % 12
    if province.startswith(("Huế", "TP", "Thành phố", "Tp", "Hà Nội", "Hải Phòng", "Đà Nẵng")) and "tỉnh" in level:
        level = "cấp thành phố"
    rows.append([f"Di tích thử nghiệm số {number:03d}", category, f"Địa chỉ thử {number}, {province}", province,
                 level, kind, decision.format(n=100 + number, d=day, m=month, y=year), "", SYNTHETIC, "dữ liệu thử"])

# Rows that a staff member would refuse too, each for one reason (the test names them).
BAD = [
    ["Di tích thử nghiệm sai cấp", "dinh", "Xã thử", "Cần Thơ", "cấp huyện", "", "", "", SYNTHETIC, "dữ liệu thử"],
    ["Di tích thử nghiệm sai loại", "dinh", "Xã thử", "Cần Thơ", "cấp thành phố", "Di tích nhà cổ", "", "", SYNTHETIC,
     ""],
    ["Di tích thử nghiệm sai tỉnh", "chua", "Xã thử", "Quảng Nom", "cấp tỉnh", "", "", "", SYNTHETIC, ""],
    ["Di tích thử nghiệm tỉnh lạ", "chua", "Xã thử", "Sài Gòn - Gia Định", "cấp tỉnh", "", "", "", SYNTHETIC, ""],
    ["Di tích thử nghiệm sai năm", "den", "Xã thử", "Hà Nội", "cấp thành phố", "", "1234/QĐ-UBND ngày 31/12/2010",
     "2011", SYNTHETIC, ""],
    ["Di tích thử nghiệm số 031", "lang", "Xã thử", "Huế", "cấp tỉnh", "", "", "", SYNTHETIC, ""],
    ["Di tích thử nghiệm không tên tỉnh", "lang", "Xã thử", "", "cấp tỉnh", "", "", "", SYNTHETIC, ""],
    ["", "lang", "Xã thử", "Hà Nội", "cấp thành phố", "", "", "", SYNTHETIC, ""],
    ["Di tích thử nghiệm hai cấp", "other", "Xã thử", "Ninh Bình", "Di tích cấp quốc gia đặc biệt và tỉnh", "", "", "",
     SYNTHETIC, ""],
    ["Di tích thử nghiệm tỉnh cũ sai", "other", "Xã thử", "Hà Tây", "cấp tỉnh", "", "", "", SYNTHETIC, ""],
    ["Di tích thử nghiệm nhiều tỉnh sai", "other", "Xã thử", "Quảng Trị, Quảng Bìnhh", "Di tích quốc gia", "", "", "",
     SYNTHETIC, ""],
]
rows += BAD
assert all(len(row) == len(COLUMNS) for row in rows), [row for row in rows if len(row) != len(COLUMNS)]
assert len(rows) == 143, len(rows)
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows([COLUMNS, *rows])
(Path(__file__).parent / "di-tich-143.csv").write_text(out.getvalue(), encoding="utf-8")
