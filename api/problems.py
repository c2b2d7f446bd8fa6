"""Errors of the partner API as RFC 9457 problem details (`application/problem+json`), in the
language of the request's Accept-Language: a type (`/api/v1/problems/<slug>`), a title, the
status, a detail a person can read, the address called and, for invalid input, each field's
error. Nothing is changed when a problem is answered."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

CONTENT_TYPE = "application/problem+json"

# The slug of each problem type, its status and its title (translated when answered).
TYPES = {
    "unauthorized": (401, gettext_lazy("Clé d'API absente ou refusée")),
    "forbidden": (403, gettext_lazy("Action non permise à cette clé")),
    "not-found": (404, gettext_lazy("Introuvable")),
    "method-not-allowed": (405, gettext_lazy("Méthode non permise")),
    "refused": (409, gettext_lazy("Action refusée à cette étape")),
    "too-large": (413, gettext_lazy("Requête trop volumineuse")),
    "invalid": (422, gettext_lazy("Données invalides")),
    "rate-limited": (429, gettext_lazy("Trop de requêtes")),
    "server-error": (500, gettext_lazy("Erreur du serveur")),
}


class FieldError(Schema):
    field: str
    message: str
    code: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raised anywhere in the API: answered as this problem, nothing changed."""

    def __init__(self, slug: str, detail: str, *, errors=None, headers=None):
        super().__init__(detail)
        self.slug, self.detail = slug, detail
        self.errors = errors
        self.headers = headers or {}


def response(request: HttpRequest, slug: str, detail: str, *, errors=None, headers=None):
    status, title = TYPES[slug]
    document = {
        "type": f"/api/v1/problems/{slug}",
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
    }
    if errors is not None:
        document["errors"] = errors
    answer = JsonResponse(
        document,
        status=status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


# What pydantic's error codes say, in the reader's language (its own messages are English).
def _pydantic_message(code: str, context: dict) -> str:
    messages = {
        "missing": _("Ce champ est obligatoire."),
        "date_from_datetime_parsing": _("Date invalide : écrivez AAAA-MM-JJ."),
        "date_parsing": _("Date invalide : écrivez AAAA-MM-JJ."),
        "date_type": _("Date invalide : écrivez AAAA-MM-JJ."),
        "datetime_from_date_parsing": _("Date et heure invalides (ISO 8601)."),
        "int_parsing": _("Un nombre entier est attendu."),
        "int_type": _("Un nombre entier est attendu."),
        "bool_parsing": _("true ou false est attendu."),
        "bool_type": _("true ou false est attendu."),
        "string_type": _("Un texte est attendu."),
        "enum": _("Valeur inconnue : voyez les valeurs permises dans la description de l'API."),
        "literal_error": _(
            "Valeur inconnue : voyez les valeurs permises dans la description de l'API."
        ),
        "json_invalid": _("Le corps de la requête n'est pas un JSON valide."),
        "model_attributes_type": _("Un objet JSON est attendu."),
        "dict_type": _("Un objet JSON est attendu."),
        "extra_forbidden": _("Ce champ n'existe pas."),
    }
    if code in ("string_too_long", "too_long"):
        return _("Texte trop long : %(max)s caractères au plus.") % {
            "max": context.get("max_length", "?")
        }
    if code in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("Valeur hors des limites permises.")
    return messages.get(code, _("Valeur invalide."))


def validation_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's errors as {field, message, code}: `field` is where (body.on, query.limit)."""
    out = []
    for error in errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("payload", "filters")
        ]
        out.append(
            {
                "field": ".".join(location),
                "message": _pydantic_message(error.get("type", ""), error.get("ctx") or {}),
                "code": error.get("type", "invalid"),
            }
        )
    return out


def form_errors(form) -> list[dict]:
    """A Django form's errors (already in the reader's language) as problem fields."""
    return [
        {
            "field": f"body.{name}" if name != "__all__" else "body",
            "message": str(message),
            "code": getattr(error, "code", None) or "invalid",
        }
        for name, errors in form.errors.as_data().items()
        for error in errors
        for message in error.messages
    ]
