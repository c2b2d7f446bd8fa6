from tests.staff.conftest import call, manager, reviewer, with_totp  # noqa: F401
