"""Reciprocity, as programme managers run it (issue 21): the ledger of volunteers sent and
received per partner and year against the agreements' quotas, the agreements themselves, and
the registry of host structures in Togo that ANVT verifies."""

from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from anvt.http import act, csv_response, valid
from missions.models import INCOMING_ENDED
from partners.models import Agreement, PartnerOrganisation, verification_state
from reciprocity import ledger, services
from staff.access import get_agreement_for_manager, get_host_for_manager
from staff.forms import AgreementForm, HostForm, HostVerificationForm, LedgerYearForm

CHART_ROW = 72  # SVG units per partner: its name above two bars
CHART_WIDTH = 400  # narrow on purpose: a phone shows it at about this size
BAR_SPACE = 330  # the longest bar; its figure is written after it


def chosen_year(request, years: list[int]) -> int:
    """The year asked (?annee=), if the ledger has it; else the current year if it has it, else
    the latest."""
    form = LedgerYearForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["annee"]
    today = timezone.localdate().year
    return today if today in years or not years else years[0]


def chart(rows: list[ledger.Line]) -> dict:
    """Per partner, its name above two bars on one scale (sent, received), each quota a tick."""
    top = max(
        [1]
        + [
            value or 0
            for row in rows
            for value in (row.sent.total, row.received.total, row.sent.quota, row.received.quota)
        ]
    )
    scale = BAR_SPACE / top
    bars = []
    for index, row in enumerate(rows):
        flows = []
        for offset, flow, kind in ((22, row.sent, "sent"), (46, row.received, "received")):
            length = round(flow.total * scale, 1)
            flows.append(
                {
                    "kind": kind,
                    "y": index * CHART_ROW + offset,
                    "length": length,
                    "value": flow.total,
                    "text_x": round(length + 6, 1),
                    "quota_x": round(flow.quota * scale, 1) if flow.quota else None,
                }
            )
        bars.append(
            {
                "label": row.partner.name if row.partner else _("Envoyeur hors partenaires"),
                "y": index * CHART_ROW + 15,
                "flows": flows,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": max(len(rows), 1) * CHART_ROW}


@manager_required
def ledger_page(request):
    years = ledger.years()
    year = chosen_year(request, years)
    rows = ledger.lines(year=year)
    return render(
        request,
        "staff/ledger.html",
        {
            "years": years,
            "year": year,
            "rows": rows,
            "total": ledger.totals(rows),
            "chart": chart(rows),
            "stages": ledger.STAGES,
            "section": "reciprocity",
        },
    )


def ledger_csv_rows(rows: list[ledger.Line]):
    for row in rows:
        yield [
            row.year,
            row.partner.name if row.partner else _("Envoyeur hors partenaires"),
            *(row.sent.counts[stage] for stage in ledger.STAGES),
            row.sent.total,
            "" if row.sent.quota is None else row.sent.quota,
            *(row.received.counts[stage] for stage in ledger.STAGES),
            row.received.total,
            "" if row.received.quota is None else row.received.quota,
            row.balance,
        ]


def ledger_csv_header() -> list[str]:
    sent = [_("envoyés %(stage)s") % {"stage": label} for label in ledger.STAGES.values()]
    received = [_("accueillis %(stage)s") % {"stage": label} for label in ledger.STAGES.values()]
    return [
        _("année"),
        _("partenaire"),
        *sent,
        _("envoyés total"),
        _("quota envoyés"),
        *received,
        _("accueillis total"),
        _("quota accueillis"),
        _("solde (envoyés moins accueillis)"),
    ]


@manager_required
def ledger_export(request):
    """Every year, or the one asked (?annee=)."""
    years = ledger.years()
    form = LedgerYearForm(request.GET or None, years=years)
    year = form.cleaned_data["annee"] if form.is_bound and form.is_valid() else None
    name = f"reciprocite-{year}.csv" if year else "reciprocite.csv"
    return csv_response(name, ledger_csv_header(), ledger_csv_rows(ledger.lines(year=year)))


# Agreements --------------------------------------------------------------------------------------


@manager_required
def agreements(request):
    rows = Agreement.objects.select_related("partner").order_by("partner__name", "-starts_on")
    return render(
        request,
        "staff/agreements.html",
        {"rows": rows, "today": timezone.localdate(), "section": "reciprocity"},
    )


@manager_required
def agreement_form(request, pk: int | None = None):
    agreement = get_agreement_for_manager(request.user, pk) if pk else None
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST":

        def save():
            values = valid(form, _("Rien n'est enregistré : corrigez les champs en rouge."))
            services.save_agreement(
                agreement,
                actor=request.user,
                partner=agreement.partner if agreement else values["partner"],
                values=values,
            )

        if act(request, save, _("Accord enregistré.")):
            return redirect("staff:agreements")
    return render(
        request,
        "staff/agreement_form.html",
        {"form": form, "agreement": agreement, "section": "reciprocity"},
    )


# Host structures in Togo -------------------------------------------------------------------------


@manager_required
def hosts(request):
    rows = (
        PartnerOrganisation.objects.hosts_in_togo()
        .with_verification()
        .annotate(
            hosting=Count(
                "hosted_volunteers",
                filter=~Q(hosted_volunteers__status__in=INCOMING_ENDED),
                distinct=True,  # joined with the verifications
            )
        )
        .order_by("region", "name")
    )
    today = timezone.localdate()
    for row in rows:
        row.check = verification_state(row.verified_until, today)
    return render(request, "staff/hosts.html", {"rows": rows, "section": "incoming"})


@manager_required
def host_form(request, pk: int | None = None):
    host = get_host_for_manager(request.user, pk) if pk else None
    form = HostForm(request.POST or None, instance=host)
    today = timezone.localdate()
    # Two years by default: what ANVT's visits of host structures have held so far.
    verification = HostVerificationForm(
        initial={"verified_on": today, "valid_until": today + timedelta(days=730)}
    )
    if request.method == "POST":
        saved = []

        def save():
            values = valid(form, _("Rien n'est enregistré : corrigez les champs en rouge."))
            saved.append(services.save_host(host, actor=request.user, values=values))

        if act(request, save, _("Structure enregistrée.")):
            return redirect("staff:host", saved[0].pk)
    history = list(host.verifications.select_related("verified_by")) if host else []
    declarations = (
        host.hosted_volunteers.exclude(status__in=INCOMING_ENDED).select_related("partner")
        if host
        else []
    )
    return render(
        request,
        "staff/host_form.html",
        {
            "form": form,
            "host": host,
            "verification": verification,
            "history": history,
            "host_check": verification_state(history[0].valid_until if history else None),
            "declarations": declarations,
            "section": "incoming",
        },
    )


@manager_required
@require_POST
def host_verify(request, pk: int):
    host = get_host_for_manager(request.user, pk)
    form = HostVerificationForm(request.POST)

    def verify():
        values = valid(form, _("Indiquez la date de la vérification et sa fin de validité."))
        services.verify_host(host, actor=request.user, **values)

    act(request, verify, _("Vérification enregistrée."))
    return redirect("staff:host", host.pk)
