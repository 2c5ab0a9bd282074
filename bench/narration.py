"""Automatic narration of the bundled sites: seconds of speech per CPU second, and bytes per minute of
speech, per language and in total (issue 15). Each file is generated into a fresh data folder.

Targets: at least 10 s of speech per CPU second (text normalisation, eSpeak NG and MP3 encoding
together), at most 200 KB per minute of speech (3G).
Run: .venv/bin/python bench/narration.py
"""

import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sites.catalog.loader import load_content
from sites.catalog.narration import NarrationLibrary

CONTENT = Path(__file__).resolve().parent.parent / "content"


def main() -> None:
    sites = load_content(CONTENT).registry.all(include_drafts=True)
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # speech s, CPU s, bytes
    with tempfile.TemporaryDirectory() as data:
        library = NarrationLibrary(Path(data))
        library.generate(sites[0], "vi")  # loads eSpeak NG and its voice data once, outside the figures
        library = NarrationLibrary(Path(data) / "run")
        for site in sites:
            for lang in library.languages(site):
                started = time.process_time()
                audio = library.generate(site, lang)
                cpu = time.process_time() - started
                for key in (lang, "all"):
                    totals[key][0] += audio.seconds
                    totals[key][1] += cpu
                    totals[key][2] += audio.size
    print(f"{len(sites)} sites")
    print(f"{'lang':<5} {'speech min':>10} {'CPU s':>7} {'speech s / CPU s':>17} {'KB / min':>9}")
    for lang, (speech, cpu, size) in totals.items():
        print(f"{lang:<5} {speech / 60:>10.1f} {cpu:>7.2f} {speech / cpu:>17.0f} {size / 1000 / (speech / 60):>9.0f}")
    speech, cpu, size = totals["all"]
    print(f"targets: >= 10 s speech per CPU s ({'met' if speech / cpu >= 10 else 'MISSED'}), "
          f"<= 200 KB per minute ({'met' if size / 1000 / (speech / 60) <= 200 else 'MISSED'})")


if __name__ == "__main__":
    main()
