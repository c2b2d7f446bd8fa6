"""The partner API, version 1 (`/api/v1/`): a partner's information system reads its placements,
contingents, missions and declarations of foreign volunteers, and acts on them, with a key of its
organisation (api/auth.py). Every action calls the service the pages call, after the form the
pages use: the same rules, deadlines and messages. Errors are problem documents (api/problems.py).

Built on django-ninja: typed operations whose OpenAPI 3.1 description is generated from the
code that answers (so the two cannot drift), served with its reference page from our own static
files; pydantic validates the input before our forms do.
"""

import logging
import math
from enum import StrEnum

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.forms.models import model_to_dict
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.files import UploadedFile
from pydantic import Field

from anvt.errors import Refused
from api import pagination, problems
from api.auth import TokenAuth, TokenThrottle
from api.problems import ApiProblem, Problem
from api.schemas import (
    ContingentOut,
    ContingentPage,
    DateIn,
    DeclineIn,
    DeliveryPage,
    DepartureIn,
    IncomingIn,
    IncomingOut,
    IncomingPage,
    IncomingPatch,
    InterruptionIn,
    MissionOut,
    MissionPage,
    PlacementOut,
    PlacementPage,
)
from missions import services
from missions.enums import ContingentStatus, IncomingStatus, MissionStatus, PlacementStatus
from mobility import services as mobility_services
from mobility.forms import DepartureForm
from notifications import webhooks
from partner_space.access import (
    get_contingent_for_partner,
    get_incoming_for_partner,
    get_known_placement_for_partner,
    get_mission_for_partner,
)
from partner_space.forms import (
    DeclineForm,
    IncomingForm,
    InterruptForm,
    PlacementDateForm,
    ReportForm,
)

logger = logging.getLogger(__name__)

# An id: a positive 64-bit integer (else 422, not a database error).
MAX_ID = 2**63 - 1
ID = Path(..., ge=1, le=MAX_ID)

READ = TokenAuth()
WRITE = TokenAuth(write=True)
UPLOAD = TokenAuth(write=True, upload=True)

DESCRIPTION = """
L'API des partenaires du Volontariat International de Réciprocité (ANVT, Togo) : les affectations
proposées à votre organisation, vos contingents et vos offres de mission, vos déclarations de
volontaires accueilli·e·s au Togo ; confirmer ou refuser une affectation, enregistrer le départ,
l'arrivée, le retour, une interruption, déposer un rapport.

**Clés.** Un·e coordinateur·rice crée les clés dans l'espace partenaire (« API et webhooks ») :
`Authorization: Bearer anvt_…`. Une clé « lecture » ne peut rien modifier.

**Erreurs.** Toujours un document `application/problem+json` (RFC 9457), dans la langue de
`Accept-Language` (`fr` ou `en`) : `type` (`/api/v1/problems/<nature>`), `title`, `status`,
`detail`, `instance`, et `errors` (champ par champ) pour des données invalides. Natures :
`unauthorized` (401), `forbidden` (403), `not-found` (404 : absent, ou d'une autre
organisation), `refused` (409 : l'action n'est pas possible à cette étape), `too-large` (413),
`invalid` (422), `rate-limited` (429, avec `Retry-After`).

**Listes.** Par ordre d'identifiant, `limit` éléments (100 au plus) ; `next_cursor` donne la
suite.

**Webhooks.** Voir la page « API et webhooks » : chaque livraison est signée
(`X-ANVT-Signature: t=<horodatage>,v1=<HMAC-SHA256 hex de "<t>." + corps>`).
"""


class ProblemAwareApi(NinjaAPI):
    """Error responses are documented as `application/problem+json`, as they are sent."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        from api.examples import add_examples

        add_examples(schema)
        return schema


api = ProblemAwareApi(
    title="ANVT — API des partenaires",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=READ,
    throttle=[TokenThrottle()],
)

# Every operation may answer these; reads of one object add 404, actions add 403/404/409.
COMMON = {401: Problem, 413: Problem, 422: Problem, 429: Problem}
ONE = {**COMMON, 404: Problem}
ACTION = {**ONE, 403: Problem, 409: Problem}


# Problems -----------------------------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _problem(request, exc: ApiProblem):
    return problems.response(request, exc.slug, exc.detail, errors=exc.errors, headers=exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problems.response(
        request,
        "unauthorized",
        _("Ajoutez l'en-tête « Authorization: Bearer <votre clé> »."),
        headers={"WWW-Authenticate": 'Bearer realm="anvt"'},
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return problems.response(
        request,
        "invalid",
        _("La requête est invalide : voyez le détail de chaque champ."),
        errors=problems.validation_errors(exc.errors),
    )


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    wait = math.ceil(exc.wait or 60)  # ninja sets Retry-After to the same figure
    return problems.response(
        request,
        "rate-limited",
        _("Trop de requêtes avec cette clé : réessayez dans %(seconds)s secondes.")
        % {"seconds": wait},
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problems.response(
        request, "not-found", _("Rien à cette adresse pour votre organisation.")
    )


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return problems.response(request, "refused", exc.message)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:  # a body ninja could not parse (malformed JSON, bad multipart)
        return problems.response(
            request, "invalid", _("Le corps de la requête n'est pas un JSON valide.")
        )
    slug = next((s for s, (code, _t) in problems.TYPES.items() if code == exc.status_code), None)
    return problems.response(request, slug or "server-error", str(exc))


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _too_large(request, exc):
    return problems.response(
        request, "too-large", _("La requête a trop de champs ou un champ trop long.")
    )


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request, exc):
    return problems.response(
        request, "invalid", _("Le corps multipart/form-data de la requête est illisible.")
    )


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return problems.response(
        request, "server-error", _("Une erreur inattendue : l'équipe technique est prévenue.")
    )


def _form_or_problem(form) -> dict:
    if not form.is_valid():
        raise ApiProblem(
            "invalid",
            _("La requête est invalide : voyez le détail de chaque champ."),
            errors=problems.form_errors(form),
        )
    return form.cleaned_data


# Placements ---------------------------------------------------------------------------------------

placements = Router(tags=["Affectations"])


# Status labels in the request's language, looked up once per page (get_FOO_display() hashes
# every lazy label of the field at each call).
def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _placement(placement, labels=None) -> dict:
    host = placement.host
    labels = labels or _labels(PlacementStatus.choices)
    return {
        "id": placement.pk,
        "status": placement.status,
        "status_label": labels[placement.status],
        "waiting_for": placement.waiting_for or None,
        "volunteer_name": str(placement.volunteer),
        "contingent": {"id": placement.contingent_id, "name": placement.contingent.name},
        "mission": {
            "id": placement.mission_id,
            "title": placement.mission.title,
            "country": str(placement.mission.country),
        },
        "host": {"id": host.pk, "name": host.name} if host else None,
        "proposed_at": placement.proposed_at,
        "deadline": placement.deadline,
        "decided_at": placement.decided_at,
        "planned_departure": placement.contingent.planned_departure,
        "actual_departure": placement.actual_departure,
        "arrival_date": placement.arrival_date,
        "return_date": placement.return_date,
        "reports": {
            "midterm": bool(placement.midterm_report),
            "final": bool(placement.final_report),
        },
    }


def _scope(request):
    return request.api_caller.scope


def _placements(request):
    return _scope(request).known_placements()


class ReportKind(StrEnum):
    MIDTERM = "midterm"
    FINAL = "final"


class PlacementFilters(Schema):
    status: PlacementStatus | None = Field(None, description="Seulement ce statut.")
    contingent: int | None = Field(None, ge=1, le=MAX_ID, description="Seulement ce contingent.")
    waiting: bool | None = Field(
        None, description="true : seulement celles qui attendent votre réponse."
    )
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=pagination.MAX_LIMIT)


@placements.get(
    "",
    response={200: PlacementPage, **COMMON},
    operation_id="list_placements",
    summary="Les affectations proposées à votre organisation",
)
def list_placements(request, filters: Query[PlacementFilters]):
    rows = _placements(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.contingent is not None:
        rows = rows.filter(contingent_id=filters.contingent)
    if filters.waiting is not None:
        waiting = rows.filter(status=PlacementStatus.PROPOSED)
        rows = waiting if filters.waiting else rows.exclude(pk__in=waiting.values("pk"))
    items, cursor = pagination.page(
        rows, cursor=filters.cursor, limit=filters.limit, kind="placements"
    )
    labels = _labels(PlacementStatus.choices)
    return {"items": [_placement(p, labels) for p in items], "next_cursor": cursor}


@placements.get(
    "/{placement_id}",
    response={200: PlacementOut, **ONE},
    operation_id="get_placement",
    summary="Une affectation",
)
def get_placement(request, placement_id: int = ID):
    return _placement(_placement_of(request, placement_id))


def _placement_of(request, placement_id: int):
    return get_known_placement_for_partner(_scope(request), placement_id)


def _fresh(request, placement_id: int) -> dict:
    return _placement(_placements(request).get(pk=placement_id))


@placements.post(
    "/{placement_id}/confirm",
    auth=WRITE,
    response={200: PlacementOut, **ACTION},
    operation_id="confirm_placement",
    summary="Confirmer une affectation proposée",
)
def confirm_placement(request, placement_id: int = ID):
    placement = _placement_of(request, placement_id)
    services.confirm_placement(placement, actor=request.api_caller.user)
    return _fresh(request, placement_id)


@placements.post(
    "/{placement_id}/decline",
    auth=WRITE,
    response={200: PlacementOut, **ACTION},
    operation_id="decline_placement",
    summary="Refuser une affectation proposée",
)
def decline_placement(request, payload: DeclineIn, placement_id: int = ID):
    placement = _placement_of(request, placement_id)
    values = _form_or_problem(DeclineForm(payload.dict()))
    services.decline_placement(
        placement, actor=request.api_caller.user, reason=values["reason"], shared=values["shared"]
    )
    return _fresh(request, placement_id)


@placements.post(
    "/{placement_id}/departure",
    auth=WRITE,
    response={200: PlacementOut, **ACTION},
    operation_id="record_departure",
    summary="Enregistrer le départ",
    description="Si le dossier de départ n'est pas complet, `override` dit pourquoi partir quand "
    "même ; sans lui, 409 nomme les pièces qui manquent.",
)
def record_departure(request, payload: DepartureIn, placement_id: int = ID):
    placement = _placement_of(request, placement_id)
    values = _form_or_problem(DepartureForm(payload.dict()))
    mobility_services.depart(placement, actor=request.api_caller.user, **values)
    return _fresh(request, placement_id)


def _dated(record, operation_id: str, path: str, summary: str):
    @placements.post(
        f"/{{placement_id}}/{path}",
        auth=WRITE,
        response={200: PlacementOut, **ACTION},
        operation_id=operation_id,
        summary=summary,
    )
    def view(request, payload: DateIn, placement_id: int = ID):
        placement = _placement_of(request, placement_id)
        values = _form_or_problem(PlacementDateForm(payload.dict()))
        record(placement, actor=request.api_caller.user, on=values["on"])
        return _fresh(request, placement_id)

    view.__name__ = operation_id
    return view


record_arrival = _dated(
    services.record_arrival, "record_arrival", "arrival", "Enregistrer l'arrivée"
)
record_return = _dated(services.record_return, "record_return", "return", "Enregistrer le retour")


@placements.post(
    "/{placement_id}/interruption",
    auth=WRITE,
    response={200: PlacementOut, **ACTION},
    operation_id="interrupt_placement",
    summary="Interrompre une mission",
)
def interrupt_placement(request, payload: InterruptionIn, placement_id: int = ID):
    placement = _placement_of(request, placement_id)
    values = _form_or_problem(InterruptForm(payload.dict()))
    services.interrupt_placement(
        placement, actor=request.api_caller.user, on=values["on"], reason=values["reason"]
    )
    return _fresh(request, placement_id)


@placements.post(
    "/{placement_id}/reports/{kind}",
    auth=WRITE,
    response={200: PlacementOut, **ACTION},
    operation_id="upload_report",
    summary="Déposer le rapport à mi-parcours ou final",
    description="`multipart/form-data` : `text`, et `file` (PDF, JPEG ou PNG, 5 Mo au plus) "
    "si vous joignez un document.",
)
def upload_report(
    request,
    kind: ReportKind,
    text: Form[str],
    file: File[UploadedFile] = None,
    placement_id: int = ID,
):
    placement = _placement_of(request, placement_id)
    form = ReportForm({"text": text}, {"file": file} if file else {})
    values = _form_or_problem(form)
    services.save_report(
        placement,
        actor=request.api_caller.user,
        kind=kind.value,
        text=values["text"],
        upload=values["file"],
    )
    return _fresh(request, placement_id)


# Foreign volunteers coming to Togo ----------------------------------------------------------------

incoming = Router(tags=["Volontaires accueilli·e·s au Togo"])

FORM_FIELDS = IncomingForm.Meta.fields


def _incoming(row) -> dict:
    host = row.host_structure
    return {
        "id": row.pk,
        "status": row.status,
        "status_label": row.get_status_display(),
        "first_name": row.first_name,
        "last_name": row.last_name,
        "nationality": str(row.nationality),
        "birth_date": row.birth_date,
        "passport_number_masked": row.masked_passport,
        "sending_organisation": row.sending_organisation,
        "host_structure": {"id": host.pk, "name": host.name} if host else None,
        "host_structure_name": row.host_structure_name,
        "host_check": row.host_check,
        "flagged": row.flagged,
        "region": row.region,
        "theme": {"id": row.theme_id, "name": row.theme.name},
        "arrival_date": row.arrival_date,
        "departure_date": row.departure_date,
        "emergency_contact_name": row.emergency_contact_name,
        "emergency_contact_phone": row.emergency_contact_phone,
    }


def _incoming_rows(request):
    return _scope(request).incoming().with_host_check().select_related("host_structure")


class IncomingFilters(Schema):
    status: IncomingStatus | None = None
    flagged: bool | None = Field(None, description="true : seulement les déclarations signalées.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=pagination.MAX_LIMIT)


@incoming.get(
    "",
    response={200: IncomingPage, **COMMON},
    operation_id="list_incoming",
    summary="Vos déclarations de volontaires accueilli·e·s",
)
def list_incoming(request, filters: Query[IncomingFilters]):
    rows = _incoming_rows(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.flagged is not None:
        flagged = rows.flagged()
        rows = flagged if filters.flagged else rows.exclude(pk__in=flagged.values("pk"))
    items, cursor = pagination.page(
        rows, cursor=filters.cursor, limit=filters.limit, kind="incoming"
    )
    return {"items": [_incoming(row) for row in items], "next_cursor": cursor}


@incoming.get(
    "/{incoming_id}",
    response={200: IncomingOut, **ONE},
    operation_id="get_incoming",
    summary="Une déclaration",
)
def get_incoming(request, incoming_id: int = ID):
    get_incoming_for_partner(_scope(request), incoming_id)
    return _incoming(_incoming_rows(request).get(pk=incoming_id))


def _save_incoming(request, row, data: dict):
    form = IncomingForm(data, instance=row)
    values = _form_or_problem(form)
    saved = services.save_incoming(
        row,
        actor=request.api_caller.user,
        organisation=_scope(request).organisation,
        values=values,
    )
    return _incoming(_incoming_rows(request).get(pk=saved.pk))


@incoming.post(
    "",
    auth=WRITE,
    response={201: IncomingOut, **COMMON, 403: Problem, 409: Problem},
    operation_id="create_incoming",
    summary="Déclarer un·e volontaire accueilli·e",
    description="L'ANVT la valide ensuite. Une structure d'accueil non vérifiée à ce jour est "
    "signalée (`flagged`).",
)
def create_incoming(request, payload: IncomingIn):
    return Status(201, _save_incoming(request, None, payload.dict()))


@incoming.patch(
    "/{incoming_id}",
    auth=WRITE,
    response={200: IncomingOut, **ACTION},
    operation_id="update_incoming",
    summary="Corriger une déclaration pas encore validée",
)
def update_incoming(request, payload: IncomingPatch, incoming_id: int = ID):
    row = get_incoming_for_partner(_scope(request), incoming_id)
    if row.status != IncomingStatus.DECLARED:
        raise ApiProblem(
            "refused", _("Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e.")
        )
    data = model_to_dict(row, fields=FORM_FIELDS)
    data.update(payload.dict(exclude_unset=True))
    return _save_incoming(request, row, data)


# Contingents and missions -------------------------------------------------------------------------

programme = Router(tags=["Contingents et missions"])


def _contingent(row) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "status": row.status,
        "status_label": row.get_status_display(),
        "call": {"id": row.call_id, "name": row.call.title},
        "capacity": row.capacity,
        "seats_taken": row.seats_taken,
        "planned_departure": row.planned_departure,
    }


def _mission(row) -> dict:
    return {
        "id": row.pk,
        "title": row.title,
        "status": row.status,
        "status_label": row.get_status_display(),
        "theme": {"id": row.theme_id, "name": row.theme.name},
        "country": str(row.country),
        "city": row.city,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "seats": row.seats,
    }


class ContingentFilters(Schema):
    status: ContingentStatus | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=pagination.MAX_LIMIT)


class MissionFilters(Schema):
    status: MissionStatus | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=pagination.MAX_LIMIT)


@programme.get(
    "/contingents",
    response={200: ContingentPage, **COMMON},
    operation_id="list_contingents",
    summary="Les contingents envoyés à votre organisation",
)
def list_contingents(request, filters: Query[ContingentFilters]):
    rows = _scope(request).contingents()
    if filters.status:
        rows = rows.filter(status=filters.status)
    items, cursor = pagination.page(
        rows, cursor=filters.cursor, limit=filters.limit, kind="contingents"
    )
    return {"items": [_contingent(row) for row in items], "next_cursor": cursor}


@programme.get(
    "/contingents/{contingent_id}",
    response={200: ContingentOut, **ONE},
    operation_id="get_contingent",
    summary="Un contingent",
)
def get_contingent(request, contingent_id: int = ID):
    return _contingent(get_contingent_for_partner(_scope(request), contingent_id))


@programme.get(
    "/missions",
    response={200: MissionPage, **COMMON},
    operation_id="list_missions",
    summary="Les offres de mission de votre organisation",
)
def list_missions(request, filters: Query[MissionFilters]):
    rows = _scope(request).missions()
    if filters.status:
        rows = rows.filter(status=filters.status)
    items, cursor = pagination.page(
        rows, cursor=filters.cursor, limit=filters.limit, kind="missions"
    )
    return {"items": [_mission(row) for row in items], "next_cursor": cursor}


@programme.get(
    "/missions/{mission_id}",
    response={200: MissionOut, **ONE},
    operation_id="get_mission",
    summary="Une offre de mission",
)
def get_mission(request, mission_id: int = ID):
    return _mission(get_mission_for_partner(_scope(request), mission_id))


# Webhook deliveries -------------------------------------------------------------------------------

deliveries = Router(tags=["Webhooks"])


class PageFilters(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=pagination.MAX_LIMIT)


@deliveries.get(
    "/deliveries",
    response={200: DeliveryPage, **COMMON},
    operation_id="list_webhook_deliveries",
    summary="Ce que l'ANVT a envoyé à vos adresses de webhook, et où en est chaque envoi",
)
def list_webhook_deliveries(request, filters: Query[PageFilters]):
    rows = webhooks.deliveries_of(_scope(request).organisation.pk)
    items, cursor = pagination.page(
        rows, cursor=filters.cursor, limit=filters.limit, kind="deliveries"
    )
    return {
        "items": [
            {
                "id": webhooks.delivery_id(row),
                "event": row.event,
                "url": row.endpoint.url,
                "state": row.state,
                "attempts": row.attempts,
                "last_error": row.last_error[:300],
                "created_at": row.created_at,
                "sent_at": row.sent_at,
            }
            for row in items
        ],
        "next_cursor": cursor,
    }


api.add_router("/placements", placements)
api.add_router("/incoming", incoming)
api.add_router("/", programme)
api.add_router("/webhooks", deliveries)
