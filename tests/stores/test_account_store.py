"""Conformance of the staff account stores (sites/staff/accounts.py) on both back ends: users.json in the data
folder and PostgreSQL, as the one factory (sites/stores.py user_store) opens them for the `users` fixture."""

import pytest

from sites.staff.accounts import AccountError, User

PASSWORD = "mat-khau-dai-du"


def test_store_refuses_short_passwords_and_taken_names(backend, users):
    store = users
    with pytest.raises(AccountError, match="at least 10 characters"):
        store.add("lan", "ngan", "admin")
    store.add("lan", PASSWORD, "admin")
    with pytest.raises(AccountError, match="already exists"):
        store.add("lan", PASSWORD, "admin")


def test_authenticate_needs_the_right_password(backend, users):
    store = users
    store.add("lan", PASSWORD, "editor", "Cần Thơ")
    assert store.authenticate("lan", PASSWORD + "x") is None
    assert store.authenticate("khong-co", PASSWORD) is None


def test_a_new_password_ends_every_session_of_that_user_only(backend, users):
    store = users
    store.add("lan", PASSWORD, "editor", "Cần Thơ")
    store.add("hoa", PASSWORD, "admin")
    lan, lan_phone, hoa = store.sessions.start("lan"), store.sessions.start("lan"), store.sessions.start("hoa")
    store.set_password("lan", "mat-khau-moi-dai")
    assert store.sessions.user(lan) is None and store.sessions.user(lan_phone) is None
    assert store.sessions.user(hoa) == "hoa"
    assert store.authenticate("lan", PASSWORD) is None
    assert store.authenticate("lan", "mat-khau-moi-dai") == User("lan", "editor", "Cần Thơ")
    with pytest.raises(AccountError, match="at least 10 characters"):
        store.set_password("lan", "ngan")
    with pytest.raises(AccountError, match="no user 'khong-co'"):
        store.set_password("khong-co", PASSWORD)
