"""What each column of an import spreadsheet holds, in Vietnamese: the import page shows it first, the model's
English description beside it (issue 28). A column missing here fails tests/test_import.py."""

DESCRIPTIONS_VI = {
    "name": "Tên di tích bằng tiếng Việt (tối đa 200 ký tự)",
    "slug": "Đường dẫn: chữ thường không dấu `a-z0-9-`, trùng tên thư mục; không đổi sau khi đã in",
    "code": "Mã ngắn, cố định, in trong mã QR (`a-z0-9`, 2-16 ký tự)",
    "aliases": "Đường dẫn hoặc mã cũ vẫn phải mở được",
    "other_names": "Các tên gọi khác của di tích",
    "category": "Loại di tích: dinh, chua, mieu, den, lang, nha-tho, revolutionary-relic, landscape, other "
                "(hoặc nhãn tiếng Việt: Đình, chùa…)",
    "recognition.level": "Cấp xếp hạng, ghi như quyết định: Di tích quốc gia đặc biệt, Di tích quốc gia, cấp tỉnh, "
                         "cấp thành phố",
    "recognition.year": "Năm ra quyết định",
    "recognition.year_approximate": "True khi nguồn chỉ ghi năm ước chừng (khoảng)",
    "recognition.kind": "Loại hình, ghi như quyết định: lịch sử, lịch sử - văn hóa, kiến trúc nghệ thuật, khảo cổ, "
                        "danh lam thắng cảnh; nhiều loại nối bằng “và”, “-” hoặc dấu phẩy",
    "recognition.decision": "Quyết định xếp hạng, ghi nguyên văn (ví dụ 2383/QĐ-TTg ngày 09/12/2013): số, cơ quan và "
                            "ngày được đọc ra khi có",
    "built": "Thời gian xây dựng, ghi tự do (năm hoặc thời kỳ)",
    "location.lat": "Vĩ độ, tính bằng độ (WGS 84)",
    "location.lon": "Kinh độ, tính bằng độ (WGS 84)",
    "location.precision": "exact (chính xác), approximate (gần đúng) hoặc district (trung tâm quận, huyện)",
    "address.text": "Địa chỉ như nguồn ghi (đơn vị hành chính cũ)",
    "address.province": "Tỉnh, thành phố trực thuộc trung ương hiện nay, dùng cho bộ lọc tỉnh",
    "address.other_provinces": "Các tỉnh, thành phố khác (hiện nay) mà di tích trải qua, cách nhau bằng dấu phẩy",
    "address.former_province": "Tỉnh trước 1/7/2025, nếu khác",
    "address.current": "Địa chỉ theo đơn vị hành chính áp dụng từ năm 2025",
    "address.current_verified": "False khi việc đối chiếu địa chỉ cũ sang mới chưa được kiểm tra",
    "summary": "Một hoặc hai câu, dùng trong danh sách, áp phích và bản đồ",
    "sources.0.url": "Địa chỉ web của nguồn",
    "sources.0.title": "Đơn vị xuất bản hoặc tên nguồn",
    "wikidata": "Mã Wikidata của di tích (Q và các chữ số, ví dụ Q1234567), nếu có",
    "tags": "Từ khoá tự do giúp tìm kiếm",
    "body": "Câu chuyện của di tích bằng tiếng Việt (Markdown)",
    "en.name": "Tên bằng tiếng Anh; để trống thì dùng tên tiếng Việt",
    "en.summary": "Tóm tắt bằng tiếng Anh",
    "en.built": "Cột `built` bằng tiếng Anh",
    "en.body": "Câu chuyện bằng tiếng Anh (Markdown)",
}
