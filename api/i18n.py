"""The visitor's language (Vietnamese first, English beside it) and the interface strings in each."""

from sites.site import DEFAULT_LANGUAGE, LANGUAGES

OPEN_GRAPH_LOCALES = {"vi": "vi_VN", "en": "en_US"}

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "site_title": "Địa chỉ đỏ",
        "tagline": "Bản đồ số các di tích lịch sử, văn hóa",
        "skip_to_content": "Bỏ qua, đến nội dung",
        "language_name": "Tiếng Việt",
        "search_label": "Tìm di tích",
        "search_placeholder": "Tên, địa danh…",
        "search_button": "Tìm",
        "all_categories": "Mọi loại hình",
        "all_provinces": "Mọi địa phương",
        "category": "Loại hình",
        "province": "Tỉnh, thành phố",
        "results": "{count} di tích",
        "no_results": "Không tìm thấy di tích nào. Hãy thử từ khóa khác.",
        "clear_filters": "Xem tất cả",
        "back_to_list": "← Danh sách di tích",
        "facts": "Thông tin",
        "other_names": "Tên gọi khác",
        "built": "Xây dựng",
        "recognition": "Xếp hạng",
        "address": "Địa chỉ",
        "address_current": "Địa chỉ hiện nay",
        "unverified": "chưa xác minh",
        "coordinates": "Tọa độ",
        "precision_exact": "vị trí chính xác",
        "precision_approximate": "vị trí gần đúng",
        "precision_district": "gần đúng: trung tâm quận, huyện cũ",
        "no_location": "Chưa có tọa độ trên bản đồ.",
        "directions": "Chỉ đường",
        "open_in_maps": "Chỉ đường bằng Google Maps",
        "open_in_osm": "Xem trên OpenStreetMap",
        "nearby": "Di tích lân cận",
        "same_area": "cùng khu vực",
        "km": "{km} km",
        "sources": "Nguồn tư liệu",
        "photos": "Hình ảnh",
        "photo_credit": "Ảnh: {credit}",
        "not_translated": "",
        "not_found_title": "Không tìm thấy trang",
        "not_found_text": "Không có di tích hoặc trang nào ở địa chỉ này. Có thể mã QR đã cũ hoặc đường dẫn bị gõ sai.",
        "error_title": "Đã có lỗi",
        "request_error_text": "Không thể xử lý yêu cầu này. Hãy quay lại danh sách di tích.",
        "error_text": "Máy chủ gặp lỗi khi hiển thị trang này. Xin thử lại sau ít phút.",
        "footer": "Địa chỉ đỏ: phần mềm mã nguồn mở số hóa di tích bằng mã QR.",
        "stats_title": "Thống kê lượt truy cập",
        "stats_intro": "Lượt quét mã QR trên biển di tích và lượt xem trang của từng di tích. "
        "Khách được đếm một lần mỗi ngày cho mỗi di tích.",
        "stats_site": "Di tích",
        "stats_scans": "Lượt quét QR",
        "stats_views": "Lượt xem trang",
        "stats_unique": "Khách (theo ngày)",
        "stats_last": "Lần cuối",
        "stats_chart": "30 ngày qua",
        "stats_chart_label": "Lượt truy cập mỗi ngày trong {days} ngày qua",
        "stats_qr": "Mã QR",
        "stats_total": "Tổng cộng",
        "stats_never": "chưa có",
        "stats_sort_hint": "Bấm vào tiêu đề cột để sắp xếp.",
        "stats_page": "Trang {page}/{pages}",
        "previous": "← Trước",
        "next": "Sau →",
        "date_format": "%d/%m/%Y %H:%M",
        "map_link": "Bản đồ",
        "map_title": "Bản đồ di tích",
        "map_intro": "Mỗi chấm là một di tích: chấm càng lớn, màu càng đậm thì càng nhiều lượt truy cập "
        "(quét mã QR và xem trang). Bấm vào một chấm để xem số liệu; bấm vào một cụm để phóng to.",
        "map_label": "Bản đồ các di tích",
        "map_noscript": "Bản đồ cần JavaScript. Danh sách di tích và số liệu ở ngay bên dưới.",
        "map_filter": "Lọc",
        "map_recent": "30 ngày qua",
        "map_open_page": "Xem trang di tích →",
        "map_legend_title": "Lượt truy cập (quét + xem)",
        "map_cluster": "cụm di tích gần nhau",
        "map_load_failed": "Không tải được dữ liệu di tích. Hãy tải lại trang.",
        "map_table_caption": "Các di tích trên bản đồ, nhiều lượt truy cập nhất trước",
        "map_empty": "Không có di tích nào có tọa độ trong phạm vi này.",
        "map_unmapped": "Chưa có tọa độ nên chưa hiện trên bản đồ:",
        "map_embed_title": "Nhúng bản đồ vào trang web khác",
        "map_embed_hint": "Dán đoạn mã này vào trang web của đơn vị (bộ lọc đang chọn được giữ nguyên):",
        "map_embed_list": "Danh sách và số liệu",
        "thousands": ".",
    },
    "en": {
        "site_title": "Địa chỉ đỏ",
        "tagline": "A digital map of historical and cultural sites",
        "skip_to_content": "Skip to content",
        "language_name": "English",
        "search_label": "Find a site",
        "search_placeholder": "Name, place…",
        "search_button": "Search",
        "all_categories": "All kinds",
        "all_provinces": "All provinces",
        "category": "Kind",
        "province": "Province",
        "results": "{count} sites",
        "no_results": "No site found. Try other words.",
        "clear_filters": "Show all",
        "back_to_list": "← All sites",
        "facts": "Facts",
        "other_names": "Also known as",
        "built": "Built",
        "recognition": "Recognition",
        "address": "Address",
        "address_current": "Address today",
        "unverified": "unverified",
        "coordinates": "Coordinates",
        "precision_exact": "exact position",
        "precision_approximate": "approximate position",
        "precision_district": "approximate: centre of the former district",
        "no_location": "No map coordinates yet.",
        "directions": "Directions",
        "open_in_maps": "Directions in Google Maps",
        "open_in_osm": "View on OpenStreetMap",
        "nearby": "Nearby sites",
        "same_area": "same area",
        "km": "{km} km",
        "sources": "Sources",
        "photos": "Photos",
        "photo_credit": "Photo: {credit}",
        "not_translated": "This page has not been translated into English yet; the text below is in Vietnamese.",
        "not_found_title": "Page not found",
        "not_found_text": "There is no site or page at this address. The QR code may be old, or the link mistyped.",
        "error_title": "Something went wrong",
        "request_error_text": "This request cannot be handled. Please go back to the list of sites.",
        "error_text": "The server failed to show this page. Please try again in a few minutes.",
        "footer": "Địa chỉ đỏ: open-source software for QR-coded heritage sites.",
        "stats_title": "Visit statistics",
        "stats_intro": "Scans of each site's QR plaque and views of its page. "
        "A visitor counts once a day for each site.",
        "stats_site": "Site",
        "stats_scans": "QR scans",
        "stats_views": "Page views",
        "stats_unique": "Visitors (per day)",
        "stats_last": "Last visit",
        "stats_chart": "Last 30 days",
        "stats_chart_label": "Visits per day over the last {days} days",
        "stats_qr": "QR code",
        "stats_total": "Total",
        "stats_never": "never",
        "stats_sort_hint": "Select a column heading to sort by it.",
        "stats_page": "Page {page} of {pages}",
        "previous": "← Previous",
        "next": "Next →",
        "date_format": "%Y-%m-%d %H:%M",
        "map_link": "Map",
        "map_title": "Map of sites",
        "map_intro": "Each dot is a site: the larger and darker the dot, the more visits it has had "
        "(QR scans and page views). Select a dot to see its numbers; select a cluster to zoom in.",
        "map_label": "Map of the sites",
        "map_noscript": "The map needs JavaScript. The list of sites with their numbers is just below.",
        "map_filter": "Filter",
        "map_recent": "Last 30 days",
        "map_open_page": "Open the site page →",
        "map_legend_title": "Visits (scans + views)",
        "map_cluster": "sites close together",
        "map_load_failed": "The sites could not be loaded. Please reload the page.",
        "map_table_caption": "Sites on the map, most visited first",
        "map_empty": "No site with coordinates matches these filters.",
        "map_unmapped": "Not on the map yet, for lack of coordinates:",
        "map_embed_title": "Put this map on another website",
        "map_embed_hint": "Paste this code into your unit's web page (the chosen filters are kept):",
        "map_embed_list": "List and numbers",
        "thousands": ",",
    },
}


def choose_language(lang_param: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names a supported language, else the best match of Accept-Language, else Vietnamese."""
    if lang_param in LANGUAGES:
        return lang_param
    for tag in _by_preference(accept_language or ""):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def _by_preference(header: str) -> list[str]:
    """Language tags of an Accept-Language header, most preferred first (q=0 means 'not this one')."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]
