"""Staff-facing words for every problem a site can have, chosen by the problem's type and context.

A problem has a `type` and a `ctx` (values such as `max_length`), as pydantic errors do. pydantic
words its own types in English; our own types (the loader's, the writer's, the editing rules') get
their English here. Vietnamese comes first for every type, pydantic's included, so a new constraint
on a model is worded by its type and limit, never by matching English text.
"""

from collections.abc import Mapping

FALLBACK = "Giá trị chưa hợp lệ"

# Vietnamese by type; `{name}` is filled from the problem's ctx.
VIETNAMESE = {
    # pydantic's types (https://docs.pydantic.dev/latest/errors/validation_errors/)
    "missing": "Bắt buộc điền",
    "extra_forbidden": "Trường không tồn tại",
    "extra_forbidden_suggestion": "Trường không tồn tại; có phải là '{suggestion}'?",
    "string_type": "Phải là chữ (văn bản)",
    "string_empty": "Bắt buộc điền",
    "string_too_short": "Tối thiểu {min_length} ký tự",
    "string_too_long": "Tối đa {max_length} ký tự",
    "string_pattern_mismatch": "Sai định dạng",
    "float_type": "Phải là một số",
    "float_parsing": "Phải là một số",
    "finite_number": "Phải là một số hữu hạn",
    "int_type": "Phải là một số nguyên",
    "int_parsing": "Phải là một số nguyên",
    "int_from_float": "Phải là một số nguyên, không có phần thập phân",
    "greater_than_equal": "Giá trị tối thiểu là {ge}",
    "greater_than": "Giá trị phải lớn hơn {gt}",
    "less_than_equal": "Giá trị tối đa là {le}",
    "less_than": "Giá trị phải nhỏ hơn {lt}",
    "bool_type": "Chọn có hoặc không (true/false)",
    "bool_parsing": "Chọn có hoặc không (true/false)",
    "enum": "Hãy chọn một giá trị trong danh sách: {expected}",
    "literal_error": "Hãy chọn một giá trị trong danh sách: {expected}",
    "list_type": "Phải là một danh sách",
    "too_long": "Tối đa {max_length} mục",
    "too_short": "Tối thiểu {min_length} mục",
    "dict_type": "Phải là một nhóm trường (tên: giá trị)",
    "model_type": "Phải là một nhóm trường (tên: giá trị)",
    "model_attributes_type": "Phải là một nhóm trường (tên: giá trị)",
    "url_type": "Phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
    "url_parsing": "Phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
    "url_scheme": "Phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
    # raised by our models' validators (PydanticCustomError)
    "outside_vietnam": "Tọa độ nằm ngoài Việt Nam (có thể đã đảo vĩ độ và kinh độ)",
    "reserved_slug": "Tên này bị Windows dành riêng; hãy chọn tên khác",
    "journeys_slug": "Tên này là thư mục của các hành trình (content/journeys/); hãy chọn tên khác",
    "quiz_answer": "Đáp án phải là số thứ tự của một lựa chọn, từ 1 đến {count}",
    "quiz_choice_twice": "Lựa chọn {number} trùng với lựa chọn {first}",
    "recognition_level": "Không rõ cấp xếp hạng '{value}'; hãy ghi một trong: {accepted}",
    "relic_kind": "Không hiểu '{part}' trong loại di tích '{value}'; hãy ghi một hay nhiều loại: {accepted}",
    "decision_year": "Năm {year} khác năm của quyết định ({decision_year})",
    "province_unknown": "'{name}' không phải một trong 34 tỉnh, thành phố hiện nay",
    "province_unknown_suggestion": "'{name}' không phải một trong 34 tỉnh, thành phố hiện nay; có phải: {suggestions}?",
    "province_former": "'{name}' là tỉnh, thành phố trước 1/7/2025, nay thuộc {current}: hãy ghi province: {current} "
                       "và former_province: {name}",
    "former_province_unknown": "'{name}' không phải một trong 63 tỉnh, thành phố trước 1/7/2025",
    "former_province_unknown_suggestion": "'{name}' không phải một trong 63 tỉnh, thành phố trước 1/7/2025; "
                                          "có phải: {suggestions}?",
    "former_province_elsewhere": "'{name}' nay thuộc {current}, không thuộc {provinces}",
    "event_year": "Năm {year} không hợp lý (từ năm {min} trở đi); hãy viết ngày theo dạng NĂM-THÁNG-NGÀY",
    "every_year_day": "Ngày '{value}' không có trong mọi năm; viết \"THÁNG-NGÀY\" trong ngoặc kép, ví dụ \"07-27\"",
    "event_dating": "Ghi đúng một cách tính ngày: date, every_year hoặc lunar (đang có: {given})",
    "date_from_datetime_parsing": "Ngày không có thật hoặc sai dạng; viết NĂM-THÁNG-NGÀY, ví dụ 1947-04-10",
    "date_parsing": "Ngày không có thật hoặc sai dạng; viết NĂM-THÁNG-NGÀY, ví dụ 1947-04-10",
    "date_type": "Ngày không có thật hoặc sai dạng; viết NĂM-THÁNG-NGÀY, ví dụ 1947-04-10",
    # ours, outside pydantic (English in ENGLISH below)
    "quiz_id_twice": "Mã câu hỏi '{id}' đã dùng cho câu hỏi {first}",
    "quiz_unknown_id": "Bản tiếng Việt không có câu hỏi mã '{id}'",
    "quiz_untranslated": "Thiếu bản dịch của câu hỏi: {ids}",
    "quiz_choice_count": "Phải có {count} lựa chọn như bản tiếng Việt, cùng thứ tự",
    "event_id_twice": "Mã sự kiện '{id}' đã dùng cho sự kiện {first}",
    "event_unknown_id": "Bản tiếng Việt không có sự kiện mã '{id}'",
    "key_taken": "Đã được di tích khác dùng",
    "duplicate_site": "Đã có di tích cùng tên trong tỉnh này: {owner}",
    "folder_exists": "Đã có thư mục trùng tên",
    "code_fixed": "Mã QR của di tích đã xuất bản không được đổi",
    "code_too_long": "Mã QR tối đa {limit} ký tự, mã này có {length}; gợi ý: '{suggestion}'",
    "province_denied": "Bạn chỉ được thêm, sửa di tích thuộc tỉnh của mình",
    "version_conflict": "Người khác vừa lưu di tích này; thay đổi của bạn chưa được lưu",
    "photo_too_large": "Ảnh quá lớn",
    "photo_unreadable": "Không phải ảnh JPEG, PNG hoặc WebP",
    "photo_too_many_pixels": "Ảnh quá nhiều điểm ảnh (tối đa 40 megapixel), hãy thu nhỏ",
    "photo_missing": "Không có tệp ảnh này trong thư mục di tích",
    "photo_name_twice": "Hai ảnh trùng tên; hãy đổi tên một ảnh",
    "photo_again": "Hãy chọn lại ảnh",
    "no_index": "Thư mục di tích thiếu tệp index.md",
    "folder_name": "Tên thư mục chỉ dùng chữ thường không dấu a-z, chữ số và dấu gạch nối",
    "slug_not_folder": "Phải trùng với tên thư mục",
    "invalid_language_tag": "Tên tệp bản dịch phải là index.<mã ngôn ngữ>.md (ví dụ index.en.md, index.km.md)",
    "rename_translation": "Hãy đổi tên tệp thành {expected}",
    "front_matter": "Phần đầu tệp (front matter) bị lỗi",
    "narration_missing": "Không có tệp thuyết minh này trong thư mục di tích",
    "narration_language": "Di tích chưa có bản {lang}; chỉ thêm thuyết minh cho ngôn ngữ đã có",
    "narration_too_large": "Tệp ghi âm quá lớn (tối đa {max_mb} MB)",
    "narration_too_long": "Bản ghi âm quá dài (tối đa {max_minutes} phút)",
    "narration_not_audio": "Không phải tệp âm thanh MP3, M4A/AAC, OGG hoặc WAV",
    "narration_corrupt": "Tệp âm thanh bị hỏng, không đọc hết được",
    "narration_unreadable": "Không đọc được tệp thuyết minh",
    "stop_unknown": "Không có di tích '{site}'",
    "stop_draft": "Di tích '{site}' còn là bản nháp; hãy xuất bản di tích trước, hoặc để hành trình ở dạng nháp",
    "stop_repeated": "Di tích '{site}' đã là điểm dừng số {number}",
    "note_not_stop": "'{slug}' không phải là điểm dừng của hành trình",
    "journey_province_denied": "Bạn chỉ được thêm, sửa hành trình thuộc tỉnh của mình",
    "stop_province": "Di tích '{site}' không thuộc tỉnh {province}",
    "journey_version_conflict": "Người khác vừa lưu hành trình này; thay đổi của bạn chưa được lưu",
}

# English of our own types; pydantic's come with their errors.
ENGLISH = {
    "outside_vietnam": "({lat}, {lon}) is far outside Vietnam (expected lat {lat_range}, lon {lon_range}); "
                       "are lat and lon swapped?",
    "reserved_slug": "'{slug}' is a reserved device name on Windows; choose another slug",
    "journeys_slug": "'{slug}' is the folder of the journeys (content/{slug}/); choose another slug",
    "quiz_answer": "the answer is the number of a choice, 1 to {count}",
    "recognition_level": "'{value}' is no recognition level; write one of: {accepted_en}",
    "relic_kind": "'{part}' in '{value}' is no relic kind; write one or more of: {accepted_en}",
    "decision_year": "the year {year} is not the decision's ({decision_year})",
    "province_unknown": "'{name}' is none of the 34 current provinces",
    "province_unknown_suggestion": "'{name}' is none of the 34 current provinces; did you mean: {suggestions}?",
    "province_former": "'{name}' is a province before 1 July 2025, now part of {current}: write province: {current} "
                       "and former_province: {name}",
    "former_province_unknown": "'{name}' is none of the 63 provinces before 1 July 2025",
    "former_province_unknown_suggestion": "'{name}' is none of the 63 provinces before 1 July 2025; did you mean: "
                                          "{suggestions}?",
    "former_province_elsewhere": "'{name}' is now part of {current}, not of {provinces}",
    "quiz_choice_twice": "choice {number} is the same as choice {first}",
    "quiz_id_twice": "question id '{id}' is already question {first}",
    "quiz_unknown_id": "the Vietnamese quiz (index.md) has no question '{id}'",
    "quiz_untranslated": "translate every question of the Vietnamese quiz, or none; missing: {ids}",
    "quiz_choice_count": "{count} choices, as in Vietnamese and in the same order (got {got})",
    "event_year": "year {year} is not plausible (from {min} on); write the date as YYYY-MM-DD",
    "every_year_day": "'{value}' is not a day of every year; write \"MM-DD\" in quotes, for example \"07-27\"",
    "event_dating": "give exactly one of date, every_year and lunar (given: {given})",
    "event_id_twice": "event id '{id}' is already event {first}",
    "event_unknown_id": "the Vietnamese file (index.md) has no event '{id}'",
    "key_taken": "'{key}' is already used by {owner}",
    "duplicate_site": "a site named '{site}' in this province already exists: {owner}",
    "folder_exists": "a folder '{slug}' already exists in content/",
    "code_fixed": "the code of a published site cannot change (it is '{code}')",
    "code_too_long": "a QR code id has at most {limit} characters, this one has {length}; suggestion: '{suggestion}'",
    "province_denied": "you may only add or change sites of {province}",
    "version_conflict": "someone else saved this site since you opened it; open it again",
    "photo_too_large": "{reason}",
    "photo_unreadable": "{reason}",
    "photo_too_many_pixels": "{reason}",
    "photo_missing": "no file '{photo}' in {folder}",
    "photo_name_twice": "two photos are named '{stem}'; rename one",
    "photo_again": "nothing was saved: choose the photo again",
    "no_index": "no index.md: every site folder needs one",
    "folder_name": "folder name must be lower-case ASCII a-z, 0-9 and -",
    "slug_not_folder": "'{slug}' must equal the folder name '{folder}'",
    "invalid_language_tag": "{problem}; name the file index.<tag>.md",
    "rename_translation": "rename this file to {expected}",
    "front_matter": "{reason}",
    "narration_missing": "no file '{recording}' in {folder}",
    "narration_language": "the site has no '{lang}' text (add index.{lang}.md first)",
    "narration_too_large": "{reason}",
    "narration_too_long": "{reason}",
    "narration_not_audio": "{reason}",
    "narration_corrupt": "{reason}",
    "narration_unreadable": "{reason}",
    "stop_unknown": "no site '{site}' (see `diachido check` for broken sites)",
    "stop_draft": "'{site}' is a draft; publish it or the journey (published: false) first",
    "stop_repeated": "'{site}' is already stop {number}",
    "note_not_stop": "not a stop of this journey (see index.md)",
    "journey_province_denied": "you may only add or change journeys of {province}",
    "stop_province": "'{site}' is not a site of {province}",
    "journey_version_conflict": "someone else saved this journey since you opened it; open it again",
}

# Types worded otherwise when their ctx has a suggestion (`<type>_suggestion`), by the ctx key that holds it.
SUGGESTING = {"extra_forbidden": "suggestion", "province_unknown": "suggestions",
              "former_province_unknown": "suggestions"}

# What a format checked by a pattern means, by the format's name (`models.PATTERN_FORMATS`).
PATTERN_HINTS = {
    "slug": ("Chỉ dùng chữ thường không dấu a-z, chữ số và dấu gạch nối đơn",
             "use lower-case letters a-z, digits and single hyphens, for example 'dinh-thoi-an'"),
    "code": ("Dùng 2-16 chữ thường không dấu a-z và chữ số",
             "use 2-16 lower-case letters a-z and digits, for example 'thoian'"),
    "alias": ("Chỉ dùng chữ thường không dấu a-z, chữ số và dấu gạch nối",
              "use lower-case letters a-z, digits and hyphens"),
    "photo_file": ("Tên tệp ảnh (chữ, số, - và _) có đuôi .jpg, .png hoặc .webp",
                   "a file name in the site folder (letters, digits, - and _) ending in .jpg, .png or .webp"),
    "narration_file": ("Tên tệp MP3 trong thư mục di tích (chữ, số, - và _) có đuôi .mp3",
                       "an MP3 file name in the site folder (letters, digits, - and _) ending in .mp3"),
    "url": ("Phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
            "must be a web address starting with http:// or https://"),
    "wikidata": ("Mã Wikidata là chữ Q và các chữ số, ví dụ Q1142384",
                 "a Wikidata id is Q and digits, for example Q1142384"),
}


def english(type_: str, ctx: Mapping[str, object]) -> str:
    """The English of one of our own problem types, filled from `ctx` (worded with its suggestion if any)."""
    if type_ in SUGGESTING and ctx.get(SUGGESTING[type_]):
        type_ = f"{type_}_suggestion"
    return ENGLISH[type_].format_map(ctx)


def vietnamese(type_: str, ctx: Mapping[str, object]) -> str:
    """The Vietnamese of a problem of `type_`, chosen with its `ctx`; FALLBACK for an unknown type."""
    if type_ == "string_pattern_mismatch" and ctx.get("format") in PATTERN_HINTS:
        return PATTERN_HINTS[str(ctx["format"])][0]
    if type_ == "string_too_short" and ctx.get("min_length") == 1:
        type_ = "string_empty"
    if type_ in SUGGESTING and ctx.get(SUGGESTING[type_]):
        type_ = f"{type_}_suggestion"
    template = VIETNAMESE.get(type_)
    if template is None:
        return FALLBACK
    try:
        return template.format_map({key: _number(value) for key, value in ctx.items()})
    except (KeyError, IndexError, ValueError):  # a ctx without the value the template names
        return FALLBACK


def _number(value: object) -> object:
    """90.0 as 90, as pydantic's English writes a limit."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def bilingual(type_: str, ctx: Mapping[str, object], message: str) -> str:
    """"Giá trị tối đa là 90 / Input should be less than or equal to 90 (got '999')": the
    Vietnamese first, then the English `message` the loader or pydantic gave."""
    return f"{vietnamese(type_, ctx)} / {message}"
