"""App config: contracts, expected payment, variances and recoupments."""

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "rcmdesk.contracts"
    label = "contracts"
    verbose_name = "Contracts and expected payment"

    def ready(self) -> None:
        """Variances and recoupments are found after a file's 835s are committed, from
        intake's ``file_applied`` (as denials and the work queue do), so posting never imports
        this app and a failure here never undoes a posting."""
        from rcmdesk.claims.signals import claims_built
        from rcmdesk.contracts import expected, receivers
        from rcmdesk.intake.signals import file_applied

        file_applied.connect(receivers.on_file_applied, dispatch_uid="contracts.variance")
        # Expected allowed amounts as claims are built (claims and charges send it, inside
        # their transaction, and never import this app).
        claims_built.connect(expected.on_claims_built, dispatch_uid="contracts.expected")
