"""Staff password hashing, injected like the clock: scrypt in service, and a cheap method only
where a test configuration asks for one (hashing is most of what a test's sign-ins cost)."""

from __future__ import annotations

from functools import cached_property

from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_METHOD = "scrypt"


class Passwords:
    """Hashes new passwords with `method`; checks a stored hash whatever method made it."""

    def __init__(self, method: str = DEFAULT_METHOD) -> None:
        self.method = method

    def hash(self, password: str) -> str:
        """The hash to store for a new password."""
        return generate_password_hash(password, method=self.method)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`. An unknown user (None) is checked against a
        dummy hash, so the response time does not reveal which usernames exist."""
        valid = check_password_hash(stored if stored is not None else self._dummy, password)
        return valid and stored is not None

    @cached_property
    def _dummy(self) -> str:
        return self.hash("not-a-real-password")
