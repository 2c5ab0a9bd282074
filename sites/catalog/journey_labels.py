"""A journey's distances and times written for people, in the words of the Babel catalogues
(sites/catalog/locales/*/LC_MESSAGES/messages.po, keys `itinerary_*`) and the language's number format: "≈ 2,3 km"
in Vietnamese, "≈ 2.3 km" in English. The figures themselves come from sites/catalog/journey_itinerary.py; a language
without these words (a partial catalogue) gets the Vietnamese ones, like every interface string.
"""

import math

from babel.numbers import format_decimal

from sites.catalog.i18n import strings
from sites.catalog.journey_itinerary import Itinerary, Leg


def km_label(km: float | None, lang: str) -> str:
    """"≈ 2,3 km" (one decimal under 10 km, whole kilometres above) or "chưa rõ" / "unknown"."""
    if km is None:
        return strings(lang)["itinerary_unknown"]
    figure = format_decimal(km, format="0.0" if km < 10 else "0", locale=lang.replace("-", "_"))
    return f"≈ {figure} km"


def minutes_label(minutes: float, lang: str) -> str:
    """"≈ 1 giờ 10 phút" / "≈ 1 h 10 min", rounded up to 5 minutes (a leg takes at least 5)."""
    words = strings(lang)
    rounded = max(5, math.ceil(minutes / 5) * 5)
    hours, rest = divmod(rounded, 60)
    parts = [words["itinerary_hours"].format(h=hours)] if hours else []
    parts += [words["itinerary_minutes"].format(m=rest)] if rest else []
    return "≈ " + " ".join(parts)


def total_label(plan: Itinerary, lang: str) -> str:
    """The whole journey: "≈ 12 km, ≈ 25 phút", "ít nhất ≈ 3,4 km; 2 chặng chưa rõ" or "chưa rõ quãng đường"."""
    words = strings(lang)
    known = len(plan.legs) - plan.unknown_legs
    if not plan.legs:  # one stop and no start point: nothing to travel
        return "0 km"
    if known == 0:
        return words["itinerary_distance_unknown"]
    figures = f"{km_label(plan.known_km, lang)}, {minutes_label(plan.known_minutes, lang)}"
    if plan.complete:
        return figures
    return f"{words['itinerary_at_least']} {figures}; {words['itinerary_legs_unknown'].format(n=plan.unknown_legs)}"


def arrival_label(number: int, arrival: Leg | None, lang: str) -> str:
    """How far stop `number` (from 1) is from the one before: "Từ điểm trước: ≈ 2,3 km", "... chưa rõ"."""
    words = strings(lang)
    if arrival is None:
        return words["itinerary_first"]
    key = "itinerary_from_start" if number == 1 else "itinerary_from_previous"
    return words[key].format(km=km_label(arrival.km, lang))
