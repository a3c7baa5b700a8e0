"""Job kinds: what a kind of job does when a runner works on it, and who may see it.

A kind's function gets a `JobContext` (a database session for reads, the job's owner as
loaded when the work began, the job's parameters, a progress callback) and returns the
finished file as `JobOutput`. It raises our errors for a refusal (the job fails with that
message). It must not keep a write transaction open while it works: it commits (or rolls
back) after each step, and progress is written by the runner in its own short transactions.

Kinds register themselves with `@register(kind, permission)`; `KIND_MODULES` lists the
modules that hold them, imported by the runner and the services before they need a kind.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from iztim_app.core.users.actor import Actor

# Modules whose import registers kinds (the reports work adds its export module here).
KIND_MODULES: list[str] = ["iztim_app.core.jobs.batch_print"]


@dataclass(frozen=True)
class JobOutput:
    name: str  # file name offered for download
    mime: str
    content: bytes
    message: str = ""  # a catalogue key shown with the finished job (e.g. some were skipped)
    message_params: dict[str, Any] = field(default_factory=dict)


@dataclass
class JobContext:
    db: Session
    actor: Actor
    params: dict[str, Any]
    report: Callable[[int, int | None], None]

    def progress(self, done: int, total: int | None = None) -> None:
        """How far the work is; raises `LostClaim` when another runner has taken the job."""
        self.report(done, total)


class LostClaim(Exception):  # noqa: N818 (a signal, not an error of ours)
    """This runner's claim on the job ended (it was retaken as stale): stop working on it."""


@dataclass(frozen=True)
class JobKind:
    kind: str
    permission: str  # needed to start, see and download jobs of this kind
    run: Callable[[JobContext], JobOutput]


KINDS: dict[str, JobKind] = {}


def register(kind: str, permission: str) -> Callable[[Callable], Callable]:
    def decorate(run: Callable[[JobContext], JobOutput]) -> Callable[[JobContext], JobOutput]:
        KINDS[kind] = JobKind(kind, permission, run)
        return run

    return decorate


def load_kinds() -> dict[str, JobKind]:
    for module in KIND_MODULES:
        importlib.import_module(module)
    return KINDS


def kind_of(kind: str) -> JobKind | None:
    return load_kinds().get(kind)
