"""A worker killed (SIGKILL) in the middle of a burst of policy issues and endorsements on 3
workers: nothing is half-written, numbers stay gapless and every client gets exactly one
policy, retrying with its Idempotency-Key where its request died.

What this proves:
- every policy in the database has its whole installment plan (summing to its gross
  premium plus its approved endorsements' changes), every endorsement its installment
  change and numbering, each its audit record, and the production summary equals
  `rebuild()` from the documents: a transaction cut by the kill left nothing behind;
- policy numbers are contiguous from the first: core/numbering.py draws a number with an
  UPDATE of the sequence row inside the issuing transaction, so a killed transaction gives
  its number back (PostgreSQL rolls it back when the connection drops) and the next issue
  takes it; there are no numbers given back as gaps by design;
- a client that got 201 finds its policy; a client whose request died sends it again with
  the same Idempotency-Key after the restart and ends with exactly one policy: the first
  answer replayed, or (its request was killed before the answer was kept) the request run
  again — a quote becomes a policy once, so it is then issued, or refused 409 if the killed
  request had committed, and the quote names that policy;
- an endorsement whose request died is sent again too and is made at most once: its claim
  was marked committed in the endorsement's own transaction (api/idempotency.py), so a
  retry after the takeover of a committed request is refused 409 "carried out, answer
  lost" instead of endorsing twice; one that had not committed is run again.

reflex starts granian without `respawn_failed_workers`: when a worker dies granian may stop
(all of it) or go on with the others; both are handled, then the server is restarted (in
production, systemd's `Restart=always` does that)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from iztim_app import i18n
from tests.scale import fault_support as fs

pytestmark = [pytest.mark.postgres]

QUOTES = 27
ENDORSED = 6  # policies issued before the burst, each endorsed during it
CLIENTS = 6
KILL_AFTER = 8  # answers received before a worker is killed


def _prepare(api: fs.Api, customer: int) -> tuple[list[int], list[int]]:
    with ThreadPoolExecutor(3) as pool:
        quotes = list(pool.map(lambda i: fs.quote(api, customer, f"wk-q-{i}"), range(QUOTES)))
        targets = list(
            pool.map(
                lambda i: fs.direct_policy(api, customer, f"wk-p-{i}", installments=3)["number"],
                range(ENDORSED),
            )
        )
    return quotes, targets


def _jobs(quotes: list[int], targets: list[int]) -> list[dict[str, Any]]:
    issues = [
        {
            "kind": "issue",
            "quote": q,
            "path": "/policies",
            "key": f"wk-issue-{q}",
            "body": {"quote_number": q, "installments": 1 + i % 4},
        }
        for i, q in enumerate(quotes)
    ]
    endorsements = [
        {
            "kind": "endorse",
            "policy": p,
            "path": f"/policies/{p}/endorsements",
            "key": f"wk-end-{p}-{r}",
            "body": {
                "kind": "increase",
                "effective": fs.day(30 + r),
                "sum_insured": str(1600000 + 100000 * r),
                "description": f"wk-end-{p}-{r}",
            },
        }
        for r in range(2)
        for p in targets
    ]
    # endorsements spread through the burst
    mixed, ends = [], iter(endorsements)
    for i, job in enumerate(issues):
        mixed.append(job)
        if i % 2 == 1:
            mixed.extend(itertools.islice(ends, 1))
    mixed.extend(ends)
    return mixed


def _burst(backend, api: fs.Api, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Every job sent once by CLIENTS threads; a worker is SIGKILLed after KILL_AFTER
    answers. Returns what happened to the server."""
    todo = list(jobs)
    lock = threading.Lock()
    answered = threading.Event()
    count = [0]

    def client() -> None:
        while True:
            with lock:
                if not todo:
                    return
                job = todo.pop(0)
            try:
                job["reply"] = api.post(job["path"], job["body"], key=job["key"], timeout=60)
            except OSError as exc:  # reset, refused: the request died with its worker
                job["error"] = exc
            with lock:
                count[0] += 1
                if count[0] >= KILL_AFTER:
                    answered.set()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    assert answered.wait(120), "the burst did not get going"
    before = backend.worker_pids()
    killed = backend.kill_worker(before[len(before) // 2])
    # granian stops altogether, or goes on with the others (or a respawned one)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if backend.process.poll() is not None or killed not in backend.worker_pids():
            break
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return {
        "killed": killed,
        "server_exited": backend.process.poll() is not None,
        "workers_after": backend.worker_pids(),
    }


def test_a_worker_killed_mid_burst_leaves_nothing_half_written(pg_demo_url, start_backend):
    url = pg_demo_url
    backend = start_backend(url, workers=3)
    api = fs.Api(backend.port, fs.token(url, "sube.istanbul"))
    customer = fs.customer(api, "10000000146", "Deniz Koç")
    quotes, targets = _prepare(api, customer)
    jobs = _jobs(quotes, targets)
    numbers_before = fs.policy_numbers(url)
    assert fs.contiguous(numbers_before)

    happened = _burst(backend, api, jobs)

    # the server is restarted whatever granian did (respawned, or gone)
    backend.restart()
    assert len(backend.worker_pids()) == 3
    died = [j for j in jobs if "reply" not in j]
    answered = [j for j in jobs if "reply" in j]
    # what was answered was a success: the kill cuts requests, it does not make errors
    assert sorted({j["reply"].status for j in answered}) in ([201], []), [
        (j["key"], j["reply"].status, j["reply"].body[:200]) for j in answered
    ]
    assert died, f"no request was in flight on the killed worker ({happened})"

    # the clients whose request died try again with the same key
    unfinished = fs.age_unfinished_claims(url)
    for job in died:
        again = api.post(job["path"], job["body"], key=job["key"])
        if job["kind"] == "endorse":
            job["again"] = again
            continue
        if again.status == 409:  # the killed request had committed: the quote names it
            assert again.json()["code"] == "conflict"
            job["number"] = fs.expect(api.get(f"/quotes/{job['quote']}"), 200)["policy_number"]
            assert job["number"] is not None
        else:
            job["number"] = fs.expect(again, 201)["number"]
    for job in answered:
        if job["kind"] == "issue":
            job["number"] = job["reply"].json()["number"]

    # every client finds its policy, from its quote, and each quote made exactly one policy
    issues = [j for j in jobs if j["kind"] == "issue"]
    for job in issues:
        found = fs.expect(api.get(f"/policies/{job['number']}"), 200)
        assert found["quote_number"] == job["quote"]
        assert len(found["installments"]) == job["body"]["installments"]
    assert len({j["number"] for j in issues}) == QUOTES
    per_quote = fs.rows(
        url,
        "SELECT q.number, count(DISTINCT p.number) FROM quote q JOIN policy p"
        " ON p.quote_id = q.id WHERE q.number IN ("
        + ",".join(map(str, quotes))
        + ") GROUP BY q.number",
    )
    assert sorted(per_quote) == sorted((q, 1) for q in quotes)

    # an answered endorsement is there; every endorsement is whole (checked below)
    for job in answered:
        if job["kind"] == "endorse":
            seq = job["reply"].json()["k"]
            shown = fs.expect(api.get(f"/policies/{job['policy']}"), 200)["endorsements"]
            assert job["body"]["description"] in [e["description"] for e in shown if e["k"] == seq]

    # numbers: contiguous from the first, none lost to the killed transactions
    numbers = fs.policy_numbers(url)
    assert fs.contiguous(numbers), numbers[-QUOTES - ENDORSED - 5 :]
    assert len(numbers) == len(numbers_before) + QUOTES
    # nothing half-written, the summary equals its rebuild
    fs.check_whole(url, targets + [j["number"] for j in issues])
    # a died endorsement sent again is made at most once: refused as "answer lost" when its
    # killed request had committed, run again (201) when it had not; or refused for the
    # order of its policy's endorsements (the other one went first), then not made at all
    made = Counter(d for (d,) in fs.rows(url, "SELECT description FROM endorsement"))
    lost = i18n.translate("api.idempotency_answer_lost", "tr")
    committed = []
    for job in (j for j in died if j["kind"] == "endorse"):
        again, count = job["again"], made[job["key"]]
        assert count <= 1, (job["key"], count)
        if again.status == 409 and again.json()["detail"] == lost:
            committed.append(job["key"])
            assert count == 1, job["key"]
        elif again.status == 201:
            assert count == 1, job["key"]
        else:
            assert again.status in (409, 422) and count == 0, (again.status, again.body[:300])
    print(
        f"\nworker kill: {happened}, {len(died)} requests died"
        f" ({sum(j['kind'] == 'issue' for j in died)} issues retried),"
        f" {unfinished} keys left claimed, endorsements committed without an answer: {committed}"
    )
