"""The ``rcmdesk`` command: thin commands that call services.

Django is set up once, by the root callback, before any subcommand runs (``rcmdesk x12 ...``
skips it: a plain library tool with no database). The apps' own command groups are listed in
``APP_GROUPS`` and imported statically; they share helpers through ``rcmdesk.cli_support`` and
never import this module, so there is no import cycle (an import-linter contract says so).
"""

from __future__ import annotations

import getpass
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rcmdesk import cli_support
from rcmdesk.assessments import cli as assessments_cli
from rcmdesk.capacity import cli as capacity_cli
from rcmdesk.charges import cli as charges_cli
from rcmdesk.cli_support import active_user, audited, cli_context, client_by_slug, err, refusing
from rcmdesk.conf import is_loopback
from rcmdesk.connectivity import cli as connectivity_cli
from rcmdesk.connectivity import transfer_cli
from rcmdesk.contracts import cli as contracts_cli
from rcmdesk.decisions import cli as decisions_cli
from rcmdesk.denials import cli as denials_cli
from rcmdesk.eligibility import cli as eligibility_cli
from rcmdesk.escalations import cli as escalations_cli
from rcmdesk.playbooks import cli as playbooks_cli
from rcmdesk.priorauth import cli as priorauth_cli
from rcmdesk.qa import cli as qa_cli
from rcmdesk.remits import cli as remits_cli
from rcmdesk.reports import kpi_cli, weekly_cli
from rcmdesk.scheduler import cli as scheduler_cli
from rcmdesk.scrubber import cli as scrubber_cli
from rcmdesk.sim import cli as sim_cli
from rcmdesk.submission import cli as submission_cli
from rcmdesk.x12 import cli as x12_cli

if TYPE_CHECKING:
    from rcmdesk.intake.watch import DropFolder

app = typer.Typer(help="rcmdesk: the co-managed revenue-cycle back office.",
                  no_args_is_help=True)
orgs_app = typer.Typer(help="Organizations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
ledger_app = typer.Typer(help="The posting ledger.", no_args_is_help=True)
posting_app = typer.Typer(help="835 posting exceptions.", no_args_is_help=True)
codes_app = typer.Typer(help="Code lists (CARC/RARC descriptions).", no_args_is_help=True)
deposits_app = typer.Typer(help="Bank deposits and their reconciliation with 835 payments.",
                           no_args_is_help=True)
app.add_typer(orgs_app, name="orgs")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(ledger_app, name="ledger")
app.add_typer(posting_app, name="posting")
app.add_typer(codes_app, name="codes")
queue_app = typer.Typer(help="Work queues: counts, assignment, refresh.", no_args_is_help=True)
app.add_typer(deposits_app, name="deposits")
app.add_typer(queue_app, name="queue")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"

app.add_typer(x12_cli.app, name="x12", help="Read, validate and inspect X12 5010 files.")
sim_cli.register(app)  # ``rcmdesk sim``: the clearinghouse simulator
# Commands that are plain library tools with no database: Django is not set up for them.
WITHOUT_DJANGO = frozenset({"x12", "sim"})


@app.callback()
def _root(ctx: typer.Context) -> None:
    # Django once, before any command imports a model; the X12 tools and the sim need none.
    if ctx.invoked_subcommand not in WITHOUT_DJANGO:
        cli_support.setup_django()


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                                "help_option_names": []})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (e.g. ``rcmdesk manage showmigrations``)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rcmdesk manage", *ctx.args])


@app.command()
def demo(
    claims: Annotated[int, typer.Option(min=0, help="synthetic claims per client (0: none)")]
    = 400,
) -> None:
    """Build the demo back office (idempotent): logins, then claims and remits for acme and
    birch, ingested and posted as ``rcmdesk ingest`` would, and each client's connections
    to the clearinghouse simulator (after ``rcmdesk sim --prepare``)."""
    from rcmdesk.demo.assessment import build_assessment
    from rcmdesk.demo.backoffice import build_backoffice
    from rcmdesk.demo.connectivity import build_connections
    from rcmdesk.demo.contracts import build_contracts
    from rcmdesk.demo.controls import build_controls
    from rcmdesk.demo.engagements import build_engagements
    from rcmdesk.demo.frontdesk import build_frontdesk
    from rcmdesk.demo.history import build_history
    from rcmdesk.demo.services import build_demo
    from rcmdesk.scheduler.services import ensure_schedules

    with cli_context():
        logins = build_demo()
        office = build_backoffice(claims) if claims else None
        history = build_history() if claims else None  # before today's desk and controls
        desk = build_frontdesk() if claims else None
        controls = build_controls() if claims else None
        engagements = build_engagements() if claims else None  # after the SOPs and plans
        contracts = build_contracts() if claims else None  # this morning's 835 vs contract
        # a practice weighing an engagement: a year of claims, four times a client's run
        prospect = build_assessment(claims=max(300, 4 * claims)) if claims else None
        connections = build_connections()
        ensure_schedules()  # the worker would at its first tick; the page shows them at once
    table = Table(title="Demo logins (synthetic data only)", title_justify="left")
    for column in ("username", "role", "org", "password", "TOTP secret (base32)"):
        table.add_column(column)
    for login in [*logins, *([prospect.login] if prospect is not None else [])]:
        table.add_row(login.username, login.role, login.org, login.password,
                      login.totp_base32 or "-")
    wide = Console(width=max(Console().width, 120))  # never truncate a password
    wide.print(table)
    wide.print("Add a TOTP secret to any authenticator app, or run "
                    "[bold]rcmdesk users totp USERNAME[/bold] for the current code.")
    if office is not None:
        print(office.line())
    if history is not None:
        print(history.line())
    if desk is not None:
        print(desk.line())
    if controls is not None:
        print(controls.line())
    if engagements is not None:
        print(engagements.line())
    if contracts is not None:
        print(contracts.line())
    if prospect is not None:
        print(prospect.line())
    print(connections.line())


@app.command()
def worker(
    batch: Annotated[bool, typer.Option(help="run what is queued, then exit")] = False,
) -> None:
    """Run background jobs (ingestion, reports, chain checks) from the database queue,
    finish received files whose processing stopped (the recovery sweep), and run the
    scheduled jobs when due (the scheduler; RCMDESK_SCHEDULER=off turns it off)."""
    from django.core.management import call_command

    from rcmdesk.intake import recovery
    from rcmdesk.scheduler import runner

    if batch:
        recovery.sweep()
        if runner.enabled():
            runner.once()
        call_command("db_worker", queue_name="*", batch=batch)
        return
    recovery.start()
    scheduler = runner.start()
    try:
        call_command("db_worker", queue_name="*", batch=batch)  # returns on SIGTERM / SIGINT
    finally:
        if scheduler is not None:
            scheduler.stop()


@app.command()
def roles() -> None:
    """Print the permission matrix (the table docs/permissions.md is generated from)."""
    from rcmdesk.tenancy.roles import matrix_markdown

    print(matrix_markdown())


@app.command()
def serve(
    host: str = "127.0.0.1", port: int = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32)] = 2,
    background: Annotated[bool, typer.Option(
        help="also run the background-job worker (uploads, reports) beside the web server",
    )] = True,
    sim: Annotated[bool, typer.Option(
        help="also run the clearinghouse simulator (``rcmdesk sim``, its state in "
             "$RCMDESK_VAR_DIR/sim); ``make run`` asks for it, production never should",
    )] = False,
) -> None:
    """Serve the web workbench with gunicorn (and, unless told not to, the job worker)."""
    from django.conf import settings
    from django.core.management import call_command

    if not settings.HTTPS and not is_loopback(host):
        err.print("[red]Refusing to serve plain HTTP beyond loopback; set RCMDESK_HTTPS=true "
                  "behind a TLS proxy.[/red]")
        raise typer.Exit(2)
    if sim and not background:
        err.print("[red]--sim runs beside the background worker; drop --no-background[/red]")
        raise typer.Exit(2)
    call_command("collectstatic", interactive=False, verbosity=0)
    Console().print(f"rcmdesk is serving on http://{host}:{port}/")
    # No control socket: gunicorn's default is one per OS user ($HOME/.gunicorn/gunicorn.ctl),
    # so every other ``rcmdesk serve`` of that user took it over (issue 15); rcmdesk never
    # uses gunicornc, and stopping is by signal.
    web = [
        sys.executable, "-m", "gunicorn", "rcmdesk.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4",
        "--access-logfile", "-", "--no-control-socket",
    ]
    if not background:
        os.execvp(sys.executable, web)  # noqa: S606 - replaces this process with gunicorn
    _serve_with_worker(web, sim=sim)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _serve_with_worker(web: list[str], *, sim: bool = False) -> None:
    """Run gunicorn and the job worker side by side; stop both when either stops, or when
    this process is told to stop.

    Without a worker an uploaded file would wait in the queue forever, and a newcomer
    running ``make run`` has no reason to know a second command exists. systemd and
    ``docker stop`` send SIGTERM to this process only: it is passed on to both children and
    waited for, or they would be orphaned and keep the port (issue 15). With ``sim`` the
    clearinghouse simulator is a third child, stopped the same way.
    """
    stopped: list[int] = []
    previous = {number: signal.signal(number, lambda signum, _frame: stopped.append(signum))
                for number in STOP_SIGNALS}
    children = [_child([sys.executable, "-m", "rcmdesk.cli", "worker"]), _child(web)]
    if sim:
        children.append(_child([sys.executable, "-m", "rcmdesk.cli", "sim"]))
    try:
        while not stopped and all(child.poll() is None for child in children):
            time.sleep(0.2)
        ended = [child.returncode for child in children if child.poll() is not None]
    finally:
        _stop(children)
        for number, handler in previous.items():
            signal.signal(number, handler)
    raise typer.Exit(0 if stopped else next((code for code in ended if code), 0))


def _child(command: list[str]) -> subprocess.Popen[bytes]:
    """A child that gets SIGTERM if this process dies, even by ``kill -9`` (Linux)."""
    # preexec_fn is unsafe beside threads; this process has started none.
    return subprocess.Popen(command, preexec_fn=_die_with_parent)  # noqa: S603


def _die_with_parent() -> None:
    """Run in the child before exec: PR_SET_PDEATHSIG, and stop at once if the parent
    already went."""
    if sys.platform.startswith("linux"):
        import ctypes

        parent = os.getppid()
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)


def _stop(children: list[subprocess.Popen[bytes]], grace: float = 30.0) -> None:
    """SIGTERM to every child still running, then wait (gunicorn finishes its requests);
    a child still there after ``grace`` seconds is killed."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@orgs_app.command("list")
def orgs_list(
    kind: Annotated[str | None, typer.Option(help="client or partner")] = None,
) -> None:
    """Organization slugs, one per line."""
    if kind not in (None, "client", "partner"):
        err.print(f"[red]--kind must be client or partner, not {kind!r}[/red]")
        raise typer.Exit(2)
    from rcmdesk.tenancy.models import Organization

    qs = Organization.objects.order_by("slug")
    for slug in (qs.filter(kind=kind) if kind else qs).values_list("slug", flat=True):
        print(slug)


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="client_admin, partner_specialist, ...")],
    org: Annotated[str | None, typer.Option(help="organization slug")] = None,
    email: str = "",
    base_url: Annotated[str, typer.Option(help="where users reach rcmdesk")] = DEFAULT_BASE_URL,
) -> None:
    """Create a user; the password is read from RCMDESK_NEW_PASSWORD or prompted for."""
    from django.core.exceptions import ValidationError

    from rcmdesk.accounts.services import create_user
    from rcmdesk.tenancy.models import Organization
    from rcmdesk.tenancy.roles import Role

    try:
        role_enum = Role(role)
    except ValueError:
        err.print(f"[red]Unknown role {role!r}; one of: {', '.join(r.value for r in Role)}[/red]")
        raise typer.Exit(2) from None
    organization = Organization.objects.filter(slug=org).first() if org else None
    if org and organization is None:
        err.print(f"[red]No organization with slug {org!r}[/red]")
        raise typer.Exit(2)
    password = os.environ.get("RCMDESK_NEW_PASSWORD") or getpass.getpass("Password: ")
    try:
        with cli_context():
            user = create_user(username=username, password=password, role=role_enum,
                               organization=organization, email=email)
    except ValidationError as exc:
        err.print(f"[red]{username}: {' '.join(exc.messages)}[/red]")
        raise typer.Exit(1) from None
    print(f"created {user.username} ({user.role})")
    if role_enum.requires_two_factor:
        _print_invite(username, base_url, reset=False)


@users_app.command("invite")
def users_invite(
    username: str,
    reset: Annotated[bool, typer.Option(help="also remove existing devices (lost phone)")] = False,
    base_url: Annotated[str, typer.Option(help="where users reach rcmdesk")] = DEFAULT_BASE_URL,
) -> None:
    """Issue a one-time link (72 hours) with which the user enrols an authenticator."""
    _print_invite(username, base_url, reset=reset)


def _print_invite(username: str, base_url: str, *, reset: bool) -> None:
    from rcmdesk.accounts.models import User
    from rcmdesk.accounts.services import invite_to_enroll

    user = User.objects.filter(username=username).first()
    if user is None:
        err.print(f"[red]No user {username!r}[/red]")
        raise typer.Exit(2)
    with cli_context():
        token = invite_to_enroll(user, reset=reset)
    print(f"enrolment link for {username} (one use, 72 hours; send it over a channel you "
          f"trust): {base_url.rstrip('/')}/accounts/invite/{token}/")


@users_app.command("totp")
def users_totp(username: str) -> None:
    """Print the current TOTP code of a user's device (demo and support use)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        err.print(f"[red]{username} has no confirmed TOTP device[/red]")
        raise typer.Exit(1)
    print(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")


@audit_app.command("verify")
def audit_verify(
    client: Annotated[str | None, typer.Option(help="client slug; every chain if omitted")]
    = None,
    checkpoints: Annotated[Path | None, typer.Option(
        help="a checkpoint file kept outside the database (an export, or "
             "var/audit/checkpoints.jsonl) to check the chains against")] = None,
) -> None:
    """Seal, then recompute every client's chain; exit 1 naming the client and the first
    broken event of each broken chain."""
    from rcmdesk.audit import checkpoints as notes
    from rcmdesk.audit.verification import verify_chains

    chain = client_by_slug(client).pk if client else None
    kept = notes.read_file(checkpoints) if checkpoints else []
    reports = verify_chains(chain, kept)
    for report in reports:
        for warning in report.warnings:
            err.print(f"[yellow]{report.client}: {warning}[/yellow]")
        if report.broken is not None:
            err.print(f"[red]{report.broken}[/red] ({report.checked} events before it verified)")
    checked = sum(r.checked for r in reports)
    if any(r.broken for r in reports):
        raise typer.Exit(1)
    print(f"audit chain intact: {checked} events verified in {len(reports)} chains"
          + (f" against {len(kept)} checkpoints from {checkpoints}" if checkpoints else ""))


@audit_app.command("seal")
def audit_seal() -> None:
    """Seal every committed event not sealed yet (normally done right after each commit)."""
    from rcmdesk.audit.sealer import seal_all

    print(f"sealed {seal_all()} events")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a signed checkpoint of every chain's head now (table and checkpoint file)."""
    from rcmdesk.audit.models import AuditChainHead
    from rcmdesk.audit.sealer import checkpoint_now, seal_all

    seal_all()
    made = [checkpoint_now(c) for c in
            AuditChainHead.objects.order_by("chain").values_list("chain", flat=True)]
    print(f"{sum(1 for m in made if m is not None)} checkpoints written")


@audit_app.command("checkpoints")
def audit_checkpoints(
    client: Annotated[str, typer.Option(help="client slug")],
) -> None:
    """Print a client's signed checkpoints as JSON lines, the public key first (audited)."""
    from rcmdesk.audit.checkpoints import export_lines
    from rcmdesk.audit.models import chain_of
    from rcmdesk.audit.sealer import seal
    from rcmdesk.audit.services import record

    org = client_by_slug(client)
    with cli_context():
        record("export", client_id=org.pk, object_type="audit.auditcheckpoint",
               detail={"what": "checkpoints", "output": "stdout"})
    seal(chain_of(org.pk))
    for line in export_lines(chain_of(org.pk)):
        sys.stdout.write(line)


@audit_app.command("export")
def audit_export(
    client: Annotated[str | None, typer.Option(help="client slug; all events if omitted")] = None,
    output: Annotated[Path | None, typer.Option(help="CSV file; stdout if omitted")] = None,
) -> None:
    """Export audit events as CSV (the export itself is audited)."""
    from rcmdesk.audit.models import AuditEvent
    from rcmdesk.audit.sealer import seal_all
    from rcmdesk.audit.services import export_csv, record
    from rcmdesk.tenancy.models import Organization

    seal_all()
    events = AuditEvent.objects.order_by("id")
    client_id = None
    if client:
        org = Organization.objects.filter(slug=client, kind="client").first()
        if org is None:
            err.print(f"[red]No client organization with slug {client!r}[/red]")
            raise typer.Exit(2)
        client_id = org.pk
        events = events.filter(client_org_id=org.pk)
    with cli_context():
        record("export", client_id=client_id, object_type="audit.auditevent",
               detail={"output": str(output) if output else "stdout"})
    handle = output.open("w", newline="") if output else sys.stdout
    try:
        for chunk in export_csv(events.iterator()):
            handle.write(chunk)
    finally:
        if output:
            handle.close()


@app.command()
def synth(
    out_dir: Path,
    seed: Annotated[int, typer.Option(help="the same seed writes the same bytes")] = 1,
    claims: Annotated[int, typer.Option(min=1, help="claims to generate")] = 2000,
    contracts: Annotated[bool, typer.Option(
        help="contract mode: payers pay fee schedules (contracts/*.csv), with seeded "
             "underpayments and recoupments listed in truth/")] = False,
    practice: Annotated[bool, typer.Option(
        help="a prospect's year of files as of --anchor with a seeded backlog; its ground "
             "truth in truth/assessment.json")] = False,
    dominant: Annotated[str, typer.Option(
        help="with --practice: the workflow seeded with the highest yield per hour "
             "(ar_followup, denials, charges_claims, posting)")] = "denials",
    anchor: Annotated[str, typer.Option(
        help="with --practice: the day the figures are as of (YYYY-MM-DD)")] = "2026-11-01",
) -> None:
    """Write synthetic 837/835/277CA/999 files and manifest.json (no database needed)."""
    from rich.progress import Progress

    from rcmdesk.synth import generate

    if practice:
        _synth_practice(out_dir, seed, claims, dominant, anchor)
        return
    with Progress(console=err) as progress:
        task = progress.add_task("claims", total=claims)
        manifest = generate(out_dir, seed=seed, claims=claims, contracts=contracts,
                            progress=lambda done: progress.update(task, completed=done))
    table = Table(title=f"{out_dir} (seed {seed}, {claims} claims)", title_justify="left")
    for column in ("payer", "remits", "claim payments", "billed", "paid", "patient resp.",
                   "PLB", "payments"):
        table.add_column(column, justify="left" if column == "payer" else "right")
    for code, t in manifest.payers.items():
        table.add_row(code, str(t.remittances), str(t.claim_payments), f"{t.billed:,.2f}",
                      f"{t.paid:,.2f}", f"{t.patient_responsibility:,.2f}",
                      f"{t.provider_adjustments:,.2f}", f"{t.payments:,.2f}")
    console = Console(width=max(Console().width, 120))  # never truncate an amount
    console.print(table)
    for label, counts in (("files", manifest.files), ("outcomes", manifest.outcomes),
                          ("overlays", manifest.overlays),
                          ("provider adjustments", manifest.provider_adjustments),
                          ("contracts", manifest.contracts)):
        if counts or label != "contracts":
            console.print(f"{label}: " + ", ".join(f"{k} {v}"
                                                   for k, v in sorted(counts.items())))


def _synth_practice(out_dir: Path, seed: int, claims: int, dominant: str, anchor: str) -> None:
    """``synth --practice``: the files, then the truth's headline figures."""
    from datetime import date

    from rich.progress import Progress

    from rcmdesk.synth.practice import DOMINANTS, generate_practice

    if dominant not in DOMINANTS:
        raise typer.BadParameter(f"--dominant: one of {', '.join(DOMINANTS)}")
    with Progress(console=err) as progress:
        task = progress.add_task("claims", total=claims)
        manifest = generate_practice(out_dir, seed=seed, claims=claims, dominant=dominant,
                                     anchor=date.fromisoformat(anchor),
                                     progress=lambda done: progress.update(task,
                                                                           completed=done))
    truth = manifest.truth
    print(f"{out_dir}: {truth['claims']} claims billed {truth['billed']}, as of "
          f"{truth['as_of']}; files " + ", ".join(f"{k} {v}" for k, v in manifest.files.items()))
    for work, figures in truth["backlog"].items():
        print(f"{work}: open {figures['open']['count']} ({figures['open']['dollars']}), "
              f"recoverable {figures['recoverable']['dollars']}")
    print(f"highest yield per hour: {truth['highest_yield_workflow']} (seeded: {dominant}); "
          f"truth in {out_dir / 'truth' / 'assessment.json'}")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="X12 files to receive")],
    client: Annotated[str, typer.Option(help="client slug")],
) -> None:
    """Receive X12 files: apply (or resume), report "already ingested", or quarantine;
    exit 1 unless every file is applied (one another process is working on included)."""
    from rich.progress import track

    from rcmdesk.intake.services import ingest as ingest_file

    org, ok = client_by_slug(client), True
    paths = track(files, description="ingesting", console=err) if len(files) > 3 else files
    with cli_context():
        for path in paths:
            result = ingest_file(org, path.read_bytes(), path.name, channel="cli")
            print(result.line())
            ok = ok and result.ok
    if not ok:
        raise typer.Exit(1)


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="drop folder")],
    client: Annotated[str, typer.Option(help="client slug")],
    once: Annotated[bool, typer.Option(help="process what is there, then exit")] = False,
    interval: Annotated[float, typer.Option(help="seconds between polls")] = 5.0,
) -> None:
    """Poll a drop folder; settled files move to done/ or quarantine/ (one another process is
    still working on stays for a later poll), links and anything else that is not a plain
    file are set aside in quarantine/ unread."""
    from django.conf import settings

    from rcmdesk.intake.watch import DropFolder

    org = client_by_slug(client)
    drop = DropFolder(folder, settings.RCMDESK_WATCH_SETTLE_SECONDS)
    while True:
        with cli_context():
            _watch_once(drop, org, once=once)
        if once:
            return
        time.sleep(interval)


def _watch_once(drop: DropFolder, org: Any, *, once: bool) -> None:
    """One look at the drop folder: set strays aside, ingest settled files, move them."""
    from rcmdesk.intake.services import ingest as ingest_file
    from rcmdesk.intake.watch import DONE, QUARANTINE, NotAPlainFile, read_plain

    found = drop.poll()
    for path, why in found.strays:
        _moved(drop, path, QUARANTINE, f"{path.name}: set aside, not read: {why}")
    for path in found.ready:
        try:
            data = read_plain(path)
        except NotAPlainFile as exc:
            _moved(drop, path, QUARANTINE, f"{path.name}: set aside, not read: {exc}")
            continue
        result = ingest_file(org, data, path.name, channel="watch")
        if not result.settled:  # another process is on it: look again next poll
            print(result.line())
            continue
        _moved(drop, path, DONE if result.ok else QUARANTINE, result.line())
    if once:
        for path in found.settling:
            print(f"{path.name}: still being written (changed in the last "
                  f"{drop.settle_seconds:g} s): left for the next run")


def _moved(drop: DropFolder, path: Path, sub: str, line: str) -> None:
    target = drop.move(path, sub)
    renamed = target.name != path.name
    print(line + (f" (kept as {sub}/{target.name}: {sub}/ already had a file of that name)"
                  if renamed else ""))


@ledger_app.command("check")
def ledger_check(
    client: Annotated[str | None, typer.Option(help="client slug; all if omitted")] = None,
) -> None:
    """Check the ledger's invariants; exit 1 naming the first problem."""
    from rcmdesk.remits.invariants import check_ledger

    problems = check_ledger(client_by_slug(client) if client else None)
    if problems:
        err.print(f"[red]ledger unbalanced: {problems[0]}[/red] ({len(problems)} problem(s))")
        raise typer.Exit(1)
    print("ledger balanced")


@posting_app.command("repost")
def posting_repost(
    client: Annotated[str, typer.Option(help="client slug")],
) -> None:
    """Match and post every open exception of a client again (e.g. after its 837 arrived)."""
    from rcmdesk.remits.models import ExceptionStatus, PostingException
    from rcmdesk.remits.services import RETRYABLE_REASONS, repost_exception

    org = client_by_slug(client)
    posted = still_open = 0
    open_ = (PostingException.objects.filter(client=org, status=ExceptionStatus.OPEN,
                                             reason__in=RETRYABLE_REASONS)
             .select_related("remit_claim", "remittance").order_by("created_at", "pk"))
    with cli_context():
        for exception in open_:
            outcome = repost_exception(exception, acting_user=None)
            rc, remittance = exception.remit_claim, exception.remittance
            name = rc.patient_control_number if rc else f"exception #{exception.pk}"
            print(f"{name} (trace {remittance.trace_number}): {outcome.replace('_', ' ')}")
            if outcome in RETRYABLE_REASONS:
                still_open += 1
            else:
                posted += 1
    print(f"{posted} resolved, {still_open} still open")


@codes_app.command("import-descriptions")
def codes_import_descriptions(
    file: Annotated[Path, typer.Argument(help="code<TAB>text or code,text per line")],
    code_list: Annotated[str, typer.Option("--list", help="carc or rarc")],
    client: Annotated[str, typer.Option(help="client slug (whose X12 licence)")],
) -> None:
    """Load CARC/RARC description texts under the client's own X12 licence."""
    from rcmdesk.remits.codes import import_descriptions

    org = client_by_slug(client)
    try:
        with cli_context():
            count = import_descriptions(org, code_list, file.read_text(encoding="utf-8"))
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    print(f"loaded {count} {code_list} descriptions for {client}")


@deposits_app.command("import")
def deposits_import(
    file: Annotated[Path, typer.Argument(help="bank deposit CSV (date, amount, trace) or BAI2")],
    client: Annotated[str, typer.Option(help="client slug")],
) -> None:
    """Import bank deposits (all or nothing), then match them to 835 payments."""
    from rich.markup import escape

    from rcmdesk.remits.deposits import DepositFileError, import_deposits_csv, match_deposits

    org = client_by_slug(client)
    try:
        with cli_context():
            imported = import_deposits_csv(org, file.read_bytes(), file.name)
            matched = match_deposits(org)
    except DepositFileError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    if imported.added == 0 and imported.deposit_import.rows:
        print(f"{file.name}: already imported on "
              f"{imported.deposit_import.imported_at:%Y-%m-%d %H:%M}; nothing added")
    print(f"{imported.added} rows imported, {matched.matched} matched, "
          f"{matched.unmatched_deposits} deposit(s) and {matched.unmatched_remittances} "
          f"remittance(s) unmatched, {matched.discrepancies} discrepancy(ies), "
          f"{matched.suggestions} suggestion(s)")


@deposits_app.command("unmatched")
def deposits_unmatched(
    client: Annotated[str, typer.Option(help="client slug")],
) -> None:
    """List unmatched deposits and unmatched 835 payments with their ages in days."""
    from rcmdesk.remits.deposits import audit_reconciliation, unmatched

    org = client_by_slug(client)
    report = unmatched(org, org.today())
    with cli_context():
        audit_reconciliation(org, report, view="unmatched")
    console = Console(width=max(Console().width, 120))  # never truncate an amount
    deposits = Table(title=f"Unmatched deposits ({client})", title_justify="left")
    for column in ("date", "age", "amount", "trace", "description", "file"):
        deposits.add_column(column, justify="right" if column in ("age", "amount") else "left")
    for d in report.deposits:
        deposits.add_row(f"{d.deposit.deposit_date}", str(d.age_days), f"{d.deposit.amount:,.2f}",
                         d.deposit.trace, d.deposit.description, d.deposit.deposit_import.name)
    console.print(deposits)
    remits = Table(title=f"Unmatched 835 payments ({client})", title_justify="left")
    for column in ("paid", "age", "amount", "trace (TRN02)", "payer", "method"):
        remits.add_column(column, justify="right" if column in ("age", "amount") else "left")
    for r in report.remittances:
        remits.add_row(f"{r.remittance.payment_date or '-'}", str(r.age_days), f"{r.amount:,.2f}",
                       r.remittance.trace_number, r.remittance.payer_name or r.remittance.payer_key,
                       r.remittance.method)
    console.print(remits)
    for x in report.discrepancies:
        console.print(f"discrepancy: deposit {x.deposit.amount:,.2f} on {x.deposit.deposit_date} "
                      f"vs 835 {x.remittance.amount:,.2f}, trace {x.remittance.trace_number} "
                      f"(difference {x.difference:,.2f})")
    for s in report.suggestions:
        console.print(f"suggested: deposit {s.deposit.amount:,.2f} on {s.deposit.deposit_date} "
                      f"may be 835 trace {s.remittance.trace_number} ({s.days_apart} days apart)")


@queue_app.command("counts")
def queue_counts(
    client: Annotated[str, typer.Option(help="client slug")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON array on stdout")] = False,
) -> None:
    """Active work items of a client by workflow, aging bucket and status, with dollars."""
    import json

    from rcmdesk.workqueue.queries import client_counts

    rows = client_counts(client_by_slug(client).pk)
    if as_json:
        print(json.dumps([{**r, "amount": str(r["amount"])} for r in rows]))
        return
    table = Table(title=f"Open work ({client})", title_justify="left")
    for column in ("workflow", "aging", "status", "items", "amount"):
        table.add_column(column, justify="right" if column in ("items", "amount") else "left")
    for r in rows:
        table.add_row(r["workflow"], r["aging_bucket"] or "-", r["status"], str(r["count"]),
                      f"{r['amount']:,.2f}")
    Console(width=max(Console().width, 100)).print(table)


@queue_app.command("assign")
def queue_assign(
    client: Annotated[str, typer.Option(help="client slug")],
    to: Annotated[str, typer.Option("--to", help="username who gets the items")],
    acting_as: Annotated[str, typer.Option("--as", help="supervisor username who assigns "
                                           "(client_admin or partner_lead)")],
    workflow: Annotated[str | None, typer.Option(help="only this workflow")] = None,
    from_user: Annotated[str | None, typer.Option("--from", help="take items from this "
                                                  "username (default: unassigned items)")]
    = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many, highest priority "
                                       "first")] = 100,
) -> None:
    """Assign a client's items to a person, as a supervisor (the same checks as the pages).

    Exit 0 when every item moved, 1 when some were skipped or the supervisor may not assign,
    2 on a bad option."""
    from rcmdesk.workqueue import bulk

    org = client_by_slug(client)
    supervisor, assignee = active_user(acting_as, "--as"), active_user(to, "--to")
    if from_user:
        active_user(from_user, "--from")
    with (refusing(acting_as, client, "work", may_not="assign work",
                   unseen=f"client {client!r}"), audited(supervisor)):
        try:
            result = bulk.reassign(from_username=from_user, to=assignee, client_id=org.pk,
                                   workflow=workflow, limit=limit, acting_user=supervisor)
        except bulk.BadRequest as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
    for pk, why in sorted(result.skipped.items()):
        err.print(f"#{pk}: skipped: {why}")
    print(f"assigned {len(result.done)} item(s) to {to}, {len(result.skipped)} skipped")
    if result.skipped:
        raise typer.Exit(1)


@queue_app.command("refresh")
def queue_refresh(
    client: Annotated[str | None, typer.Option(help="client slug; every client if omitted")]
    = None,
) -> None:
    """Create and close work items from the current claims and remits (idempotent)."""
    from rcmdesk.tenancy.models import Organization

    try:
        from rcmdesk.workqueue.producers import sync_client
    except ImportError:
        err.print("[red]The work-item producers are not installed yet[/red]")
        raise typer.Exit(1) from None
    orgs = [client_by_slug(client)] if client else list(
        Organization.objects.filter(kind="client", prospect=False).order_by("slug"))
    with cli_context():
        for org in orgs:
            written = sync_client(org, org.today())
            print(f"{org.slug}: " + "; ".join(
                f"{kind} " + ", ".join(f"{n} {what}" for what, n in w.as_dict().items())
                for kind, w in written.items()))


claims_app = typer.Typer(help="Claims: charge imports, the scrubber, 837 submission.",
                         no_args_is_help=True)
eligibility_app = typer.Typer(help="Eligibility & benefits: visits, 270 requests.",
                              no_args_is_help=True)
auth_app = typer.Typer(help="Prior authorizations: requirements, 278 requests, expiry.",
                       no_args_is_help=True)
app.add_typer(claims_app, name="claims")
app.add_typer(eligibility_app, name="eligibility")
app.add_typer(auth_app, name="auth")
playbook_app = typer.Typer(help="The client's SOPs and playbook rules.", no_args_is_help=True)
decisions_app = typer.Typer(help="Client decisions: proposals and approvals.",
                            no_args_is_help=True)
escalations_app = typer.Typer(help="Escalations and their SLA clocks.", no_args_is_help=True)
qa_app = typer.Typer(help="QA sample audits.", no_args_is_help=True)
app.add_typer(playbook_app, name="playbook")
app.add_typer(decisions_app, name="decisions")
appeals_app = typer.Typer(help="Appeals: list, filed, the payer's answer.", no_args_is_help=True)
app.add_typer(appeals_app, name="appeals")
app.add_typer(escalations_app, name="escalations")
app.add_typer(qa_app, name="qa")
report_app = typer.Typer(help="Weekly client reports.", no_args_is_help=True)
capacity_app = typer.Typer(help="Productivity and the capacity planner.", no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(capacity_app, name="capacity")
schedule_app = typer.Typer(help="Scheduled jobs: their schedules and runs.",
                           no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")
connections_app = typer.Typer(help="Trading-partner connections and their secrets.",
                              no_args_is_help=True)
app.add_typer(connections_app, name="connections")
contracts_app = typer.Typer(help="Payer contracts: schedule imports and reference schedules.",
                            no_args_is_help=True)
app.add_typer(contracts_app, name="contracts")
assessments_app = typer.Typer(help="Capacity assessments of prospective clients.",
                              no_args_is_help=True)
app.add_typer(assessments_app, name="assessments")

# The one list of the apps' command modules: each adds its commands to its group.
APP_GROUPS: tuple[tuple[Any, typer.Typer], ...] = (
    (charges_cli, claims_app),
    (scrubber_cli, claims_app),
    (submission_cli, claims_app),
    (eligibility_cli, eligibility_app),
    (priorauth_cli, auth_app),
    (playbooks_cli, playbook_app),
    (decisions_cli, decisions_app),
    (denials_cli, appeals_app),
    (escalations_cli, escalations_app),
    (qa_cli, qa_app),
    (weekly_cli, report_app),
    (capacity_cli, capacity_app),
    (remits_cli, posting_app),
    (scheduler_cli, schedule_app),
    (connectivity_cli, connections_app),
    (transfer_cli, connections_app),
    (contracts_cli, contracts_app),
    (assessments_cli, assessments_app),
)
for _module, _group in APP_GROUPS:
    _module.register(_group)
kpi_cli.register_root(app)  # ``rcmdesk kpi``
assessments_cli.register_root(app)  # ``rcmdesk assess``


def main() -> None:
    app()


if __name__ == "__main__":
    main()
