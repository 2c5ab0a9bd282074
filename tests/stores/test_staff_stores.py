"""Conformance of the staff stores (sites/staff/sessions.py, sites/staff/throttle.py) on both back ends."""

from sites.staff.sessions import Sessions
from sites.staff.throttle import PER_ACCOUNT_AND_ADDRESS, Limit

NOW = 1_800_000_000.0
TRIES = Limit(free=2, base_delay=30, max_delay=120)


def test_a_session_names_its_user_until_it_expires_or_ends(stores):
    clock = [NOW]
    sessions = Sessions(stores.sessions, lifetime=3600, clock=lambda: clock[0])
    lan, minh, minh_phone = sessions.start("lan"), sessions.start("minh"), sessions.start("minh")
    assert (sessions.user(lan), sessions.user(minh), sessions.user(minh_phone)) == ("lan", "minh", "minh")
    assert sessions.user("forged") is None
    sessions.end(lan)
    assert sessions.user(lan) is None and sessions.user(minh) == "minh"
    sessions.end_all("minh")  # a password change ends every session of the name
    assert sessions.user(minh) is None is sessions.user(minh_phone)
    later = sessions.start("lan")
    clock[0] += 3600
    assert sessions.user(later) is None  # a session never slides past its lifetime


def test_attempts_are_free_then_wait_doubling_and_a_release_gives_one_back(stores):
    keys = [("name+address", TRIES)]
    throttle = stores.throttle
    assert throttle.reserve(keys, NOW) == 0  # free
    assert throttle.reserve(keys, NOW) == 0  # the second try is counted and locks the key for 30 s
    assert throttle.reserve(keys, NOW + 1) == 29
    assert throttle.reserve(keys, NOW + 30) == 0
    assert throttle.reserve(keys, NOW + 31) == 59  # doubled
    throttle.release(keys)  # that attempt was not a failed guess
    assert throttle.reserve(keys, NOW + 31) == 59  # still locked by the one before
    throttle.clear("name+address")
    assert throttle.reserve(keys, NOW + 31) == 0


def test_a_locked_key_holds_back_every_key_of_the_attempt(stores):
    pair, address = ("lan@school", PER_ACCOUNT_AND_ADDRESS), ("school", TRIES)
    for _ in range(2):
        assert stores.throttle.reserve([address], NOW) == 0
    assert stores.throttle.reserve([pair, address], NOW + 1) == 29
    assert stores.throttle.reserve([pair], NOW + 1) == 0  # the pair itself was not counted while held back


def test_a_remembered_key_is_known_until_its_time(stores):
    stores.throttle.remember("lan signed in at school", NOW, NOW + 100)
    assert stores.throttle.remembered("lan signed in at school", NOW + 99)
    assert not stores.throttle.remembered("lan signed in at school", NOW + 100)
    assert not stores.throttle.remembered("never", NOW)
