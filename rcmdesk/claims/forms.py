"""The claim page's own form: a corrected or void claim started from the claim."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from rcmdesk.claims.models import Claim
from rcmdesk.denials.corrected import FREQUENCIES
from rcmdesk.scrubber.codesets import ICD10CM_FORM
from rcmdesk.x12 import t837

_FREQUENCY_LABELS = {"7": "Replacement: the corrected claim takes the place of this one",
                     "8": "Void: cancel this claim at the payer"}


class CorrectedClaimForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Kind of claim", widget=forms.RadioSelect,
        choices=[(f, _FREQUENCY_LABELS[f]) for f in FREQUENCIES], initial="7")
    lines = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        label="Lines to send (a void always sends the whole claim)")
    diagnoses = forms.CharField(
        max_length=200, label="Diagnosis codes (ICD-10-CM), principal first",
        help_text="Separate codes with commas, e.g. E11.9, I10. We do not keep the "
                  "837's diagnosis codes, and the payer needs them on the new claim.")

    def __init__(self, claim: Claim, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claim = claim
        lines = cast(forms.TypedMultipleChoiceField, self.fields["lines"])
        lines.choices = [
            (ln.pk, f"line {ln.line_number}: {ln.procedure} {' '.join(ln.modifiers)} "
                    f"${ln.charge:,.2f}") for ln in claim.lines.order_by("line_number")]

    def clean_diagnoses(self) -> tuple[t837.Diagnosis, ...]:
        codes = [c.strip().upper().replace(".", "") for c in
                 self.cleaned_data["diagnoses"].split(",") if c.strip()]
        wrong = [c for c in codes if not ICD10CM_FORM.match(c)]
        if wrong:
            raise forms.ValidationError(
                f"{', '.join(wrong)} is not written as an ICD-10-CM code (a letter, two "
                "characters, then up to four more).")
        if not codes:
            raise forms.ValidationError("Give at least the principal diagnosis code.")
        return tuple(t837.Diagnosis("ABK" if i == 0 else "ABF", c)
                     for i, c in enumerate(codes[:12]))

    def chosen_lines(self) -> list[Any] | None:
        """The chosen lines, or None for the whole claim (nothing ticked)."""
        ids = set(self.cleaned_data.get("lines") or ())
        if not ids:
            return None
        return [ln for ln in self.claim.lines.all() if ln.pk in ids]
