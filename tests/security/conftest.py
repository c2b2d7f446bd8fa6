from tests.partners.conftest import (  # noqa: F401 (fixtures shared with the partner tests)
    coordinator_a,
    coordinator_b,
    incoming_a,
    org_a,
    org_b,
    sent_contingent,
    viewer_a,
)
from tests.staff.conftest import call, manager, reviewer, with_totp  # noqa: F401
