"""A site's quiz (docs/quiz.md): the bundled sites' questions in Vietnamese and English, the strict checks
of the loader (every refusal names the file and the field, and the site keeps its last valid version), the
fallback to Vietnamese, the parse cache and an admin save keeping the quiz, and no answer in public JSON."""

import copy
from pathlib import Path

import pytest

from sites.catalog.live import SITE_CACHE, Catalog
from sites.catalog.loader import load_content
from sites.catalog.messages import FALLBACK, vietnamese
from sites.catalog.quiz import QuestionNotFound
from tests.support import TEST_CONTENT, form_of, post_form, read_front_matter, snapshot, write_front_matter

SLUGS = sorted(path.parent.name for path in TEST_CONTENT.glob("*/index.md"))


def quiz_texts(site, lang: str) -> list[tuple]:
    return [(q.id, q.question, q.choices, q.answer, q.explanation) for q in site.quiz_in(lang)]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_bundled_site_has_its_quiz_in_vietnamese_and_english(slug):
    site = load_content(TEST_CONTENT).registry.get(slug)
    vi, en = site.quiz_in("vi"), site.quiz_in("en")
    assert 2 <= len(site.quiz) <= 4 and site.quiz == vi.questions
    assert vi.lang == "vi" and en.lang == "en" and all(question.lang == "en" for question in en)
    assert [q.id for q in en] == [q.id for q in vi]
    assert [(len(q.choices), q.answer) for q in en] == [(len(q.choices), q.answer) for q in vi]
    assert all(q.question != e.question and q.explanation != e.explanation for q, e in zip(vi, en, strict=True))


def test_a_language_without_a_quiz_falls_back_to_vietnamese():
    site = load_content(TEST_CONTENT).registry.get("chua-pothi-somron")
    assert site.content_language("km") == "km", "the site has Khmer text"
    khmer = site.quiz_in("km")
    assert khmer.lang == "vi" and khmer.questions == site.quiz, "but no Khmer quiz: the Vietnamese one, marked vi"
    assert site.quiz_in("fr").lang == "vi"
    assert site.quiz_in("en-GB").lang == "en", "a regional tag gets its base language's quiz"


def test_questions_are_found_by_id_and_answers_checked_by_number():
    site = load_content(TEST_CONTENT).registry.get("dinh-thoi-an")
    question = site.quiz_in("en").question("sac-phong")
    assert question.question.startswith("Which king conferred")
    assert question.right_choice == "King Tự Đức" and question.answer == 3
    assert question.is_right(3) and not question.is_right(1) and not question.is_right(9)
    assert question.has_choice(4) and not question.has_choice(0) and not question.has_choice(5)
    assert "Tự Đức" in question.explanation
    with pytest.raises(QuestionNotFound):
        site.quiz_in("vi").question("khong-co")
    with pytest.raises(AttributeError):
        question.answer = 1  # frozen


def set_quiz(content_dir: Path, file: str, change) -> Path:
    """Apply `change` to the `quiz` list of content/dinh-thoi-an/`file`, as staff would edit it."""
    path = content_dir / "dinh-thoi-an" / file
    front, body = read_front_matter(path)
    change(front["quiz"])
    write_front_matter(path, front, body)
    return path


def _set(index: int, key: str, value):
    def change(quiz):
        quiz[index][key] = value
    return change


BAD = {
    "no question": ("index.md", lambda quiz: quiz.clear(), "quiz", "too_short"),
    "six questions": ("index.md", lambda quiz: quiz.extend(dict(copy.deepcopy(q), id=f"cau-{n}")
                                                           for n, q in enumerate(quiz[:2])), "quiz", "too_long"),
    "one choice": ("index.md", _set(0, "choices", ["Tre lá"]), "quiz.0.choices", "too_short"),
    "seven choices": ("index.md", _set(0, "choices", [f"Lựa chọn {n}" for n in range(7)]), "quiz.0.choices",
                      "too_long"),
    "two equal choices": ("index.md", _set(0, "choices", ["Tre lá", "Gạch", "tre lá", "Đá"]), "quiz.0.choices",
                          "quiz_choice_twice"),
    "answer 0": ("index.md", _set(0, "answer", 0), "quiz.0.answer", "greater_than_equal"),
    "answer past the choices": ("index.md", _set(0, "answer", 5), "quiz.0.answer", "quiz_answer"),
    "question too long": ("index.md", _set(1, "question", "x" * 301), "quiz.1.question", "string_too_long"),
    "choice too long": ("index.md", _set(1, "choices", ["a" * 151, "b", "c"]), "quiz.1.choices.0",
                        "string_too_long"),
    "explanation too long": ("index.md", _set(2, "explanation", "x" * 601), "quiz.2.explanation",
                             "string_too_long"),
    "no explanation": ("index.md", lambda quiz: quiz[0].pop("explanation"), "quiz.0.explanation", "missing"),
    "repeated id": ("index.md", _set(2, "id", "sac-phong"), "quiz.2.id", "quiz_id_twice"),
    "id not slug-like": ("index.md", _set(0, "id", "Câu 1"), "quiz.0.id", "string_pattern_mismatch"),
    "unknown key": ("index.md", _set(0, "hint", "Nghĩ về năm 1832"), "quiz.0.hint", "extra_forbidden"),
    "translation with fewer choices": ("index.en.md", _set(2, "choices", ["A", "B", "C"]), "quiz.2.choices",
                                       "quiz_choice_count"),
    "translation with an unknown id": ("index.en.md", _set(1, "id", "sac-phong-2"), "quiz.1.id",
                                       "quiz_unknown_id"),
    "translation with an answer": ("index.en.md", _set(0, "answer", 1), "quiz.0.answer", "extra_forbidden"),
    "translation leaving a question out": ("index.en.md", lambda quiz: quiz.pop(), "quiz", "quiz_untranslated"),
    "translation repeating an id": ("index.en.md", _set(3, "id", "dinh-dau-tien"), "quiz.3.id", "quiz_id_twice"),
}


@pytest.mark.parametrize(("file", "change", "field", "type_"), BAD.values(), ids=BAD.keys())
def test_a_bad_quiz_is_refused_by_file_and_field_and_the_site_keeps_its_last_good_version(
        content_dir, file, change, field, type_):
    good = load_content(content_dir)
    before = quiz_texts(good.registry.get("dinh-thoi-an"), "en")
    path = set_quiz(content_dir, file, change)
    result = load_content(content_dir, last_good=good.registry)
    found = {(error.file, error.field, error.type): error for error in result.errors}
    assert (str(path), field, type_) in found, "a Vietnamese change may break the translation too: both are named"
    assert {Path(file).parent.name for file, _, _ in found} == {"dinh-thoi-an"}
    error = found[str(path), field, type_]
    assert str(error).startswith(f"{path}: {field}: ")
    assert vietnamese(error.type, error.ctx) != FALLBACK, "staff read it in Vietnamese first"
    assert list(result.kept) == ["dinh-thoi-an"]
    assert quiz_texts(result.registry.get("dinh-thoi-an"), "en") == before, "the last valid quiz is served"


def test_the_parse_cache_keeps_the_quiz(content_dir, data_dir):
    fresh = load_content(content_dir).registry
    Catalog(content_dir, data_dir / SITE_CACHE)
    cached = Catalog(content_dir, data_dir / SITE_CACHE).registry
    for slug in SLUGS:
        for lang in ("vi", "en", "km"):
            assert quiz_texts(cached.get(slug), lang) == quiz_texts(fresh.get(slug), lang)


def test_saving_a_site_in_the_admin_keeps_its_quiz_in_order(staff_client, content_dir):
    client = staff_client("hoa")
    before = load_content(content_dir).registry.get("dinh-thoi-an")
    fields = {**form_of(client, "dinh-thoi-an"), "built": "Năm 1832", "en.built": "1832"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    after = load_content(content_dir).registry.get("dinh-thoi-an")
    assert after.meta.built == "Năm 1832" and after.translations["en"].built == "1832", "both files were rewritten"
    assert after.meta.quiz == before.meta.quiz and after.translations["en"].quiz == before.translations["en"].quiz
    assert [q.id for q in after.quiz] == ["dinh-dau-tien", "sac-phong", "khang-chien", "le-hoi"]
    # A save of a site whose translation has no quiz (Khmer) and whose files are hand-written.
    saved = snapshot(content_dir)
    assert post_form(client, "/admin/sites/chua-pothi-somron", form_of(client, "chua-pothi-somron")).status_code == 303
    assert snapshot(content_dir) == saved


def test_an_admin_save_that_breaks_the_quiz_is_refused_and_writes_nothing(staff_client, content_dir):
    """The form's quiz fields go through the same checks as the files: the models', then the loader's."""
    client = staff_client("hoa")
    saved = snapshot(content_dir)
    for change, field, message in [
        ({"quiz.1.answer": "9"}, "quiz.1.answer",
         "Đáp án phải là số thứ tự của một lựa chọn, từ 1 đến 4 / the answer is the number of a choice, 1 to 4"),
        ({"en.quiz.0.choices.3": ""}, "en.quiz.0.choices",
         "Phải có 4 lựa chọn như bản tiếng Việt, cùng thứ tự / 4 choices, as in Vietnamese and in the same order"),
    ]:
        response = post_form(client, "/admin/sites/dinh-thoi-an", {**form_of(client, "dinh-thoi-an"), **change})
        assert response.status_code == 422
        assert message in response.text and f"<code>{field}</code>" in response.text
        assert snapshot(content_dir) == saved


def test_the_public_json_has_no_answer(client):
    def keys(node):
        if isinstance(node, dict):
            return set(node) | {key for value in node.values() for key in keys(value)}
        return {key for value in node for key in keys(value)} if isinstance(node, list) else set()

    for lang in ("vi", "en"):
        response = client.get(f"/api/sites/dinh-thoi-an?lang={lang}")
        assert response.status_code == 200
        assert not keys(response.json()) & {"quiz", "answer", "explanation", "choices"}


def test_staff_add_edit_and_remove_questions_in_the_admin_form(staff_client, content_dir):
    """The form shows each question with its English beside it; a new question goes in the empty row, an
    empty choice box above the right one does not move the answer, and removing a question removes its English."""
    client = staff_client("lan")
    form = form_of(client, "dinh-thoi-an")
    assert form["quiz.1.id"] == "sac-phong" and form["en.quiz.1.question"].startswith("Which king")
    assert "quiz.4.id" in form and form["quiz.4.id"] == "", "an empty row to add a fifth question"
    added = {"quiz.4.id": "mai-ngoi", "quiz.4.question": "Mái đình được trang trí bằng tượng gốm gì?",
             "quiz.4.choices.0": "Rồng, cá hóa long và kỳ lân", "quiz.4.choices.2": "Chim phượng",
             "quiz.4.choices.3": "Rắn thần Naga", "quiz.4.answer": "1",
             "quiz.4.explanation": "Mái ngói nhiều tầng, trang trí tượng gốm rồng, cá hóa long và kỳ lân.",
             "en.quiz.4.question": "What ceramic figures decorate the roofs?",
             "en.quiz.4.choices.0": "Dragons, carp becoming dragons and qilin", "en.quiz.4.choices.1": "Phoenixes",
             "en.quiz.4.choices.2": "Naga serpents",
             "en.quiz.4.explanation": "Its tiered tiled roofs are decorated with ceramic dragons, carp and qilin.",
             "quiz.0.choices.1": "", "quiz.0.choices.2": "Tre lá", "quiz.0.answer": "3",  # box 2 left empty
             "en.quiz.0.choices.1": "", "en.quiz.0.choices.2": "Bamboo and leaves"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", {**form, **added}).status_code == 303
    site = load_content(content_dir).registry.get("dinh-thoi-an")
    assert [q.id for q in site.quiz] == ["dinh-dau-tien", "sac-phong", "khang-chien", "le-hoi", "mai-ngoi"]
    english = site.quiz_in("en")
    assert english.lang == "en" and english.question("mai-ngoi").choices[1] == "Phoenixes"
    first = site.quiz_in("vi").question("dinh-dau-tien")
    assert first.choices == ("Gạch và ngói", "Tre lá", "Đá ong") and first.right_choice == "Tre lá"
    assert english.question("dinh-dau-tien").right_choice == "Bamboo and leaves"
    written = (content_dir / "dinh-thoi-an" / "index.md").read_text(encoding="utf-8")
    assert "    choices:\n      - Gạch và ngói\n      - Tre lá\n" in written

    form = form_of(client, "dinh-thoi-an")
    assert "quiz.5.id" not in form, "five questions at most: no empty row"
    assert post_form(client, "/admin/sites/dinh-thoi-an", {**form, "quiz.1.remove": "true"}).status_code == 303
    site = load_content(content_dir).registry.get("dinh-thoi-an")
    assert [q.id for q in site.quiz_in("en")] == ["dinh-dau-tien", "khang-chien", "le-hoi", "mai-ngoi"]


def test_the_form_pairs_each_translated_question_with_its_vietnamese_one(staff_client, content_dir):
    set_quiz(content_dir, "index.en.md", lambda quiz: quiz.reverse())  # a hand-written file in another order
    client = staff_client("hoa")
    form = form_of(client, "dinh-thoi-an")
    assert form["quiz.0.id"] == "dinh-dau-tien" and form["en.quiz.0.question"].startswith("In 1832")
    assert post_form(client, "/admin/sites/dinh-thoi-an", {**form, "en.quiz.3.question": "Which festivals?"}) \
        .status_code == 303
    site = load_content(content_dir).registry.get("dinh-thoi-an")
    assert site.quiz_in("en").question("le-hoi").question == "Which festivals?"
    assert [q.id for q in site.translations["en"].quiz] == [q.id for q in site.quiz], "now in the Vietnamese order"
