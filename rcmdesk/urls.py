from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from rcmdesk.api.api import api

urlpatterns = [
    path("", include("rcmdesk.web.urls")),
    path("accounts/", include("rcmdesk.accounts.urls")),
    path("tenancy/", include("rcmdesk.tenancy.urls")),
    path("audit/", include("rcmdesk.audit.urls")),
    path("reconciliation/", include("rcmdesk.remits.deposit_urls")),
    path("intake/", include("rcmdesk.intake.urls")),
    path("claims/", include("rcmdesk.claims.urls")),
    path("contracts/", include("rcmdesk.contracts.urls")),
    path("assessments/", include("rcmdesk.assessments.urls")),
    path("posting/", include("rcmdesk.remits.urls")),
    path("work/", include("rcmdesk.workqueue.urls")),
    path("appeals/", include("rcmdesk.denials.urls")),
    path("visits/", include("rcmdesk.eligibility.urls")),
    path("auths/", include("rcmdesk.priorauth.urls")),
    path("charges/", include("rcmdesk.charges.urls")),
    path("scrubber/", include("rcmdesk.scrubber.urls")),
    path("batches/", include("rcmdesk.submission.urls")),
    path("playbook/", include("rcmdesk.playbooks.urls")),
    path("decisions/", include("rcmdesk.decisions.urls")),
    path("attachments/", include("rcmdesk.attachments.urls")),
    path("escalations/", include("rcmdesk.escalations.urls")),
    path("qa/", include("rcmdesk.qa.urls")),
    path("reports/", include("rcmdesk.reports.urls")),
    path("expected-payment/", include("rcmdesk.contracts.report_urls")),
    path("capacity/", include("rcmdesk.capacity.urls")),
    path("realtime/", include("rcmdesk.connectivity.realtime_urls")),
    path("connections/transfers/", include("rcmdesk.connectivity.transfer_urls")),
    path("schedules/", include("rcmdesk.scheduler.urls")),
    path("connections/", include("rcmdesk.connectivity.urls")),
    path("access/", include("rcmdesk.systemaccess.urls")),
    path("onboarding/", include("rcmdesk.engagements.urls")),
    path("service-levels/", include("rcmdesk.servicelevels.urls")),
    path("api/", api.urls),
    # One sign-in page for everyone: the admin's own would be a second door to keep locked.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]

# Under /api/ these answer a JSON Problem; elsewhere, the site's own error pages.
handler400 = "rcmdesk.api.problems.bad_request"
handler403 = "rcmdesk.api.problems.permission_denied"
handler404 = "rcmdesk.api.problems.page_not_found"
handler500 = "rcmdesk.api.problems.server_error"
