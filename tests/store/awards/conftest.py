"""The emulation world of part 1 (a province, two blocs, a published table, a period)."""

from tests.store.emulation.conftest import world  # noqa: F401  (the fixture, reused)
