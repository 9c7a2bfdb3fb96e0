"""Issue 2's figures: demo generation, finding a student, a school's oldest pending links."""

from __future__ import annotations

import itertools
import random

from bench.context import BenchContext, median, p95, timings_ms
from frontdesk.demo import families
from frontdesk.services.linking import ChildIdentifiers, find_student
from frontdesk.services.queue import pending_links


def run(ctx: BenchContext) -> None:
    seconds, peak_mib = ctx.build_demo(ctx.sqlite_url, ctx.key_file)
    ctx.report(f"demo_generate_{ctx.students}_students_sqlite", seconds, "s")
    ctx.report(f"demo_generate_{ctx.students}_students_peak_rss", peak_mib, "MiB")
    db = ctx.sqlite

    # Identifiers as a parent would type them: the generator is deterministic, so the first
    # families of the same seed give the plain SSN digits the database only holds as digests.
    children = [
        child
        for family in itertools.islice(families(ctx.options), 2000)
        for child in family.children
        if child.active and child.ssn_last4
    ]
    rng = random.Random(7)
    picks = [rng.choice(children) for _ in range(300)]
    queries = iter(
        ChildIdentifiers(
            first_name=c.first_name.upper(),
            last_name=c.last_name,
            student_id=c.number,
            birthdate=c.birthdate,
            ssn_last4=c.ssn_last4 or "",
        )
        for c in itertools.cycle(picks)
    )

    def find() -> None:
        with db.read() as uow:
            assert find_student(uow, next(queries)) is not None

    times = timings_ms(find, 300)
    ctx.report("find_student_by_identifiers_median", median(times), "ms")
    ctx.report("find_student_by_identifiers_p95", p95(times), "ms")

    schools = itertools.cycle(range(1, ctx.options.schools + 1))

    def oldest() -> None:
        with db.read() as uow:
            pending_links(uow, {next(schools)}, limit=50)

    times = timings_ms(oldest, 300)
    ctx.report("oldest_50_pending_links_one_school_median", median(times), "ms")
    ctx.report("oldest_50_pending_links_one_school_p95", p95(times), "ms")
