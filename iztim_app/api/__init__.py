"""The JSON API v1 (`../shared/specs/api.md`): a FastAPI app mounted at /api/v1 beside the
Reflex pages. Thin: every endpoint validates its input's shape and calls the same service
as the screen, which applies every rule."""
