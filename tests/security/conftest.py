"""The security suite's shared world (tests/security/world.py): built once per run."""

from tests.security.world import world, world_url  # noqa: F401
