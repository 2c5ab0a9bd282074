"""Staff messages are chosen by a problem's type and ctx: every constraint of every field of the content
models (nested blocks and translations included) breaks into a problem that has its own Vietnamese."""

import copy
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

from sites.catalog.loader import describe_validation_errors
from sites.catalog.messages import ENGLISH, FALLBACK, PATTERN_HINTS, VIETNAMESE, bilingual, vietnamese
from sites.catalog.models import PATTERN_FORMATS, Location, SiteFrontMatter, Translation

DELETE = object()

VALID = {
    SiteFrontMatter: {
        "name": "Đình Thới An", "slug": "dinh-thoi-an", "code": "thoian", "aliases": ["dinh-cu"],
        "other_names": ["Đình làng Thới An"], "category": "dinh",
        "recognition": {"level": "national", "year": 1989, "year_approximate": False, "kind": ["history"],
                        "decision": "Quyết định 1288"},
        "built": "1852", "location": {"lat": 10.1, "lon": 105.6, "precision": "exact"},
        "address": {"text": "Thới An, Ô Môn", "province": "Cần Thơ", "other_provinces": ["An Giang"],
                    "former_province": "Hậu Giang",
                    "current": "Phường Thới An", "current_verified": False},
        "summary": "Một ngôi đình.", "photos": [{"file": "cong.jpg", "caption": "Cổng", "caption_en": "Gate",
                                                "credit": "Đoàn xã", "licence": "CC BY 4.0",
                                                "licence_url": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"url": "https://example.org/a", "title": "Nguồn"}], "wikidata": "Q4115189", "tags": ["đình"],
        "published": True,
        "narration": {"vi": {"file": "thuyet-minh.mp3", "narrator": "Đoàn xã"}},
        "quiz": [{"id": "nam-dung", "question": "Đình dựng năm nào?", "choices": ["1832", "1852"], "answer": 1,
                  "explanation": "Năm 1832."}],
        # an event is dated one way only: `date` and `every_year` are checked by VALIDATOR_CASES
        "events": [{"id": "thuong-dien", "name": "Lễ Thượng Điền", "kind": "festival",
                    "lunar": {"month": 4, "day": 15, "days": 2}, "note": "Hai ngày."}],
    },
    Translation: {"name": "Thới An Communal House", "summary": "A communal house.", "built": "1852",
                  "quiz": [{"id": "nam-dung", "question": "When was it built?", "choices": ["1832", "1852"],
                            "explanation": "In 1832."}],
                  "events": [{"id": "thuong-dien", "name": "Thượng Điền festival", "note": "Two days."}],
                  "translation_reviewed": False},
}

# Every validator of the models, with a value that makes it refuse (None: it only normalises).
VALIDATOR_CASES = {
    "SiteFrontMatter._not_reserved": (("slug",), "con"),
    "SiteFrontMatter._lower_case": None,
    "Location._inside_vietnam": (("location",), {"lat": 50.0, "lon": 10.0}),
    "QuizQuestion._a_choice": (("quiz", 0, "answer"), 3),
    "Recognition._level_words": (("recognition", "level"), "cấp huyện"),
    "Recognition._kind_words": (("recognition", "kind"), "lịch sử và nhà cổ"),
    "Recognition._year_of_decision": (("recognition",), {"level": "national", "year": 2012,
                                                         "decision": "2383/QĐ-TTg ngày 09/12/2013"}),
    "Address._province_list": None,
    "Address._current_province": (("address", "province"), "Hà Nam"),
    "Address._current_provinces": (("address", "other_provinces"), ["Quảng Nom"]),
    "Address._former_provinces": (("address", "former_province"), "Thái Bình"),
    "Event._plausible": (("events", 0, "date"), "0947-04-10"),
    "Event._a_day_of_every_year": (("events", 0, "every_year"), "02-30"),
    "Event._dated_once": (("events", 0), {"id": "le-hoi", "name": "Lễ hội", "kind": "festival"}),
}


def _unwrap(annotation, metadata: list) -> tuple[object, list]:
    """The type under Annotated[...] and `X | None`, with every constraint met on the way."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *extra = get_args(annotation)
            metadata = [*metadata, *extra]
        elif get_origin(annotation) in (Union, UnionType):
            (annotation,) = [arg for arg in get_args(annotation) if arg is not NoneType]
        else:
            return annotation, metadata


def _constraints(metadata: list) -> dict:
    found = {}
    for item in metadata:
        for name in ("max_length", "min_length", "ge", "le", "gt", "lt", "pattern"):
            if getattr(item, name, None) is not None:
                found[name] = getattr(item, name)
    return found


def _value_cases(annotation, metadata: list, path: tuple, valid: object):
    annotation, metadata = _unwrap(annotation, metadata)
    if get_origin(annotation) is list:
        yield f"{path} not a list", path, "x"
        yield from _value_cases(get_args(annotation)[0], [], (*path, 0), valid[0])
        return
    if get_origin(annotation) is dict:
        yield f"{path} not a block", path, "x"
        key = next(iter(valid))
        yield from _value_cases(get_args(annotation)[1], [], (*path, key), valid[key])
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield f"{path} not a block", path, "x"
        yield from _model_cases(annotation, valid, path)
        return
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        yield f"{path} not in the list", path, "nope"
    elif annotation is bool:
        yield f"{path} not yes/no", path, "maybe"
    elif annotation is int:
        yield f"{path} not a number", path, "abc"
        yield f"{path} a fraction", path, 1.5
    elif annotation is float:
        yield f"{path} not a number", path, "abc"
    elif annotation is str:
        yield f"{path} not text", path, 12
    else:
        raise AssertionError(f"{path}: no bad value known for {annotation}; teach this test")
    limits = _constraints(metadata)
    cases = {"max_length": lambda n: "x" * (n + 1), "min_length": lambda n: " " * max(n - 1, 0),
             "ge": lambda n: n - 1, "le": lambda n: n + 1, "gt": lambda n: n, "lt": lambda n: n,
             "pattern": lambda _: "!! không hợp lệ"}
    for name, limit in limits.items():
        yield f"{path} {name}={limit}", path, cases[name](limit)


def _model_cases(model: type[BaseModel], valid: dict, path: tuple = ()):
    yield f"{path} unknown field", (*path, "bogus"), "x"
    for name, info in model.model_fields.items():
        if info.is_required():
            yield f"{(*path, name)} missing", (*path, name), DELETE
        if name in valid:  # an optional field left out of VALID (an event's other datings) has VALIDATOR_CASES
            yield from _value_cases(info.annotation, list(info.metadata), (*path, name), valid[name])


def _with(data: dict, path: tuple, value: object) -> dict:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def _validators(model: type[BaseModel], seen: set) -> set[str]:
    """Qualified names of the validators of `model` and of every model nested in it."""
    names = set()
    if model in seen:
        return names
    seen.add(model)
    decorators = model.__pydantic_decorators__
    names |= {f"{model.__name__}.{name}" for name in [*decorators.field_validators, *decorators.model_validators]}
    for info in model.model_fields.values():
        nested, _ = _unwrap(info.annotation, [])
        nested, _ = _unwrap(get_args(nested)[0], []) if get_origin(nested) is list else (nested, None)
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            names |= _validators(nested, seen)
    return names


CASES = [(model, *case) for model in VALID for case in _model_cases(model, VALID[model])]
CASES += [(SiteFrontMatter, name, *case) for name, case in VALIDATOR_CASES.items() if case]


def test_the_valid_data_is_valid():
    for model, data in VALID.items():
        model.model_validate(data)


def test_every_validator_has_a_case():
    assert _validators(SiteFrontMatter, set()) | _validators(Translation, set()) == set(VALIDATOR_CASES)


@pytest.mark.parametrize(("model", "label", "path", "value"), CASES,
                         ids=[f"{model.__name__} {label}" for model, label, *_ in CASES])
def test_every_constraint_has_its_own_vietnamese(model, label, path, value):
    with pytest.raises(ValidationError) as refused:
        model.model_validate(_with(VALID[model], path, value))
    problems = describe_validation_errors("index.md", model, refused.value)
    assert any(problem.field == ".".join(map(str, path)) for problem in problems), problems
    for problem in problems:
        words = vietnamese(problem.type, problem.ctx)
        assert problem.type != "value_error", f"{label}: raise a PydanticCustomError with its own type"
        assert words != FALLBACK, f"{label}: no Vietnamese for {problem.type} {problem.ctx}"
        if problem.type == "string_pattern_mismatch":
            assert problem.ctx["format"] in PATTERN_HINTS, f"{label}: name the pattern in PATTERN_FORMATS"


def test_limits_are_worded_from_their_context():
    too_long = {**VALID[SiteFrontMatter], "name": "x" * 201}
    with pytest.raises(ValidationError) as refused:
        SiteFrontMatter.model_validate(too_long)
    (problem,) = describe_validation_errors("index.md", SiteFrontMatter, refused.value)
    assert bilingual(problem.type, problem.ctx, problem.message) == \
        "Tối đa 200 ký tự / String should have at most 200 characters"
    with pytest.raises(ValidationError) as refused:
        Location.model_validate({"lat": 91, "lon": 105.6})
    (problem, *_) = describe_validation_errors("index.md", Location, refused.value)
    assert vietnamese(problem.type, problem.ctx) == "Giá trị tối đa là 90"


def test_our_own_problem_types_are_worded_in_both_languages():
    assert set(ENGLISH) <= set(VIETNAMESE)
    assert set(PATTERN_FORMATS.values()) == set(PATTERN_HINTS)
