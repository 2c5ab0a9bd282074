"""Posters per second for a batch of 1,000 synthetic sites, and the batch PDF's size per page, per format.

The baseline, measured in the same run on the same sites, is the one-site PDF (`poster`, as
`/posters/{slug}.pdf` makes it) for the first 100 of them; the ratio shows what one document with a page
per site saves: the font is loaded and embedded once, not once per page. Every tenth site has a
150-character name and a 300-character summary, so wrapping and shrinking are part of the figures.
Run: .venv/bin/python bench/posters.py [--sites 1000] [--single 100]
"""

import argparse
import time

from qr.posters import Branding, PosterFormat, PosterText, poster, posters

BRANDING = Branding("Đoàn TNCS Hồ Chí Minh quận Ô Môn")
LONG_NAME = ("Khu di tích lịch sử cách mạng Đình Thới An, nhà bia tưởng niệm các anh hùng liệt sĩ và khu căn cứ "
             "Tỉnh ủy Cần Thơ thời kỳ kháng chiến chống Pháp và Mỹ")[:150]
SUMMARY = "Đình làng ở Ô Môn, có từ năm 1832; nơi thờ Thành hoàng và các vị tiền hiền khai khẩn đất Thới An."


def synthetic_sites(count: int) -> list[PosterText]:
    """`count` sites, each with its own name and code; every tenth with the longest texts the content allows."""
    sites = []
    for number in range(count):
        long = number % 10 == 0
        sites.append(PosterText(
            name=f"{LONG_NAME[:-6]} {number:05d}" if long else f"Đình Thới An số {number}",
            category="Đình",
            recognition="Di tích lịch sử - văn hóa cấp thành phố, 2004",
            summary=(SUMMARY * 3)[:300] if long else SUMMARY,
            url=f"https://diachido.vn/q/dt{number:05d}",
        ))
    return sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--single", type=int, default=100, help="sites made one PDF each, for the baseline")
    arguments = parser.parse_args()
    sites = synthetic_sites(arguments.sites)
    print(f"{'format':>7} {'batch posters/s':>16} {'batch bytes/page':>17} {'single posters/s':>17} "
          f"{'single bytes':>13} {'speed ratio':>12} {'size ratio':>11}")
    for fmt in PosterFormat:
        start = time.perf_counter()
        batch = posters(sites, fmt, BRANDING)
        batch_rate = len(sites) / (time.perf_counter() - start)
        start = time.perf_counter()
        singles = [poster(site, fmt, BRANDING) for site in sites[:arguments.single]]
        single_rate = len(singles) / (time.perf_counter() - start)
        single_bytes = sum(map(len, singles)) / len(singles)
        per_page = len(batch) / len(sites)
        print(f"{fmt.value:>7} {batch_rate:>16.0f} {per_page:>17,.0f} {single_rate:>17.0f} {single_bytes:>13,.0f} "
              f"{batch_rate / single_rate:>12.2f} {per_page / single_bytes:>11.3f}")


if __name__ == "__main__":
    main()
