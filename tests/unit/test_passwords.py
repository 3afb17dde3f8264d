"""Password hashing: scrypt unless a test run asks otherwise, never a cheap hash in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from queue_service.config import ConfigError, from_environment
from queue_service.passwords import Passwords


def test_new_passwords_are_hashed_with_scrypt_by_default() -> None:
    assert Passwords().hash("correct-horse").startswith("scrypt:")


def test_a_stored_hash_is_checked_by_its_own_method_whatever_hashes_new_ones() -> None:
    stored = Passwords().hash("correct-horse")
    cheap = Passwords("pbkdf2:sha256:1")
    assert cheap.verify(stored, "correct-horse")
    assert not cheap.verify(stored, "correct-horse ")


def test_an_unknown_user_never_verifies_even_with_the_dummy_password() -> None:
    assert not Passwords("pbkdf2:sha256:1").verify(None, "not-a-real-password")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("QUEUE_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "a-test-secret")
    return monkeypatch


def test_the_environment_may_ask_for_a_cheap_hash_outside_production(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")
    assert from_environment()["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:1"
    environment.delenv("PASSWORD_HASH_METHOD")
    assert from_environment()["PASSWORD_HASH_METHOD"] == "scrypt"


@pytest.mark.parametrize(
    ("env", "method", "message"),
    [
        ("production", "pbkdf2:sha256:1", "test runs only"),
        ("development", "rot13", "not a method"),
    ],
)
def test_a_cheap_or_unknown_hash_method_is_refused(
    environment: pytest.MonkeyPatch, env: str, method: str, message: str
) -> None:
    environment.setenv("QUEUE_ENV", env)
    environment.setenv("PASSWORD_HASH_METHOD", method)
    with pytest.raises(ConfigError, match=message):
        from_environment()
