"""Seven simulated days with the scheduler and the clearinghouse simulator, and no hands.

Claims are entered and submitted (40 on the first day, five more on each of the next
three); from there only the product's own schedules act: ``run_due`` every 20 simulated
minutes sends the queued 837s, polls the mailbox, checks for late 999s, refreshes the
queue, makes the Monday report, seals the audit trail... while the simulator answers at
the same clock. At the end every claim is where the chain left it, the ledger balances,
the audit chain verifies, and the weekly report is the scheduler's.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from rcmdesk.audit.verification import verify_chains
from rcmdesk.connectivity.models import Transmission, TransmissionState
from rcmdesk.connectivity.tests.claims_chain import (  # noqa: F401 (fixture)
    ANSWERED,
    SETTLED,
    Chain,
    wired_chain,
)
from rcmdesk.connectivity.tests.simulated import running_simulator  # noqa: F401 (fixture)
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.scheduler.models import JobRun, RunStatus
from rcmdesk.scheduler.services import ensure_schedules, run_due
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.workqueue.models import ItemKind, WorkItem

# The product's now moves a tick at a time. Not coarser: a 999 reaches intake two ticks
# after its 837 left (the simulator takes the upload at the next tick and answers at once;
# a poll sees the answer, the next one takes it whole), which must stay inside the hour
# after which the late-999 check opens an item.
TICK = timedelta(minutes=20)
DAYS = 7
FIRST_DAY_CLAIMS = 40
EACH_NEXT_DAY = 5  # more claims on days 2 to 4: answered (277CA) before the week is out
MORNINGS = 4


def test_seven_simulated_days_run_on_the_products_schedules_alone(chain: Chain) -> None:
    start = chain.now
    ensure_schedules(start)
    first = chain.submit(FIRST_DAY_CLAIMS, prefix="DAY1-")
    later: list[SubmissionBatch] = []
    while chain.now < start + timedelta(days=DAYS):
        chain.sim.process(minutes=TICK.total_seconds() / 60)
        with chain.after_commit(execute=True):
            run_due(chain.now)
        day = (chain.now - start) // timedelta(days=1) + 1
        if len(later) + 1 < min(day, MORNINGS):
            later.append(chain.submit(EACH_NEXT_DAY, prefix=f"DAY{day}-"))

    failed = JobRun.objects.filter(status=RunStatus.FAILED)
    assert list(failed.values_list("job", "error")) == []
    assert not WorkItem.objects.filter(kind__in=(ItemKind.TRANSMISSION, ItemKind.JOB_FAILURE))
    sends = Transmission.objects.filter(client=chain.world.acme)
    assert set(sends.values_list("state", flat=True)) == {TransmissionState.ACCEPTED}
    assert sends.count() == 1 + len(later)

    settled = chain.stages(first)
    assert len(settled) == FIRST_DAY_CLAIMS
    assert set(settled.values()) <= SETTLED, Counter(settled.values())
    for batch in later:
        stages = chain.stages(batch)
        assert len(stages) == EACH_NEXT_DAY
        assert set(stages.values()) <= SETTLED | ANSWERED, Counter(stages.values())

    assert check_ledger(chain.world.acme) == []
    assert [r.broken for r in verify_chains() if r.broken] == []
    [report] = WeeklyReport.objects.filter(client=chain.world.acme)
    assert report.generated_by is None  # made by the schedule, not a person
    [run] = JobRun.objects.filter(job="weekly_report", client=chain.world.acme,
                                  status=RunStatus.SUCCEEDED)
    assert run.outcome["generated"] == 1
