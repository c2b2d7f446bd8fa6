"""What the partner API reads and answers. Input is checked again by the same Django forms as
the pages (api/v1.py): these schemas describe it, the forms and services decide. Answers are
plain pydantic models built from dicts (ninja's Schema reads ORM objects, which costs a few
milliseconds per page of 50 for nothing here)."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, Field

from missions.enums import ContingentStatus, IncomingStatus, MissionStatus, PlacementStatus
from partners.enums import Region


class Ref(BaseModel):
    id: int
    name: str


class MissionRef(BaseModel):
    id: int
    title: str
    country: str = Field(description="Code ISO 3166-1 alpha-2.")


class Reports(BaseModel):
    midterm: bool
    final: bool


class PlacementOut(BaseModel):
    id: int
    status: PlacementStatus
    status_label: str
    waiting_for: Literal["partner", "host"] | None = Field(
        description="Qui doit répondre : le partenaire, puis la structure d'accueil."
    )
    volunteer_name: str
    contingent: Ref
    mission: MissionRef
    host: Ref | None
    proposed_at: datetime | None
    deadline: datetime | None = Field(description="Date limite de la réponse attendue.")
    decided_at: datetime | None
    planned_departure: date | None
    actual_departure: date | None
    arrival_date: date | None
    return_date: date | None
    reports: Reports


class PlacementPage(BaseModel):
    items: list[PlacementOut]
    next_cursor: str | None = Field(description="À passer en `cursor` pour la page suivante.")


class DeclineIn(Schema):
    reason: str = Field(max_length=2000, description="Motif du refus, transmis à l'ANVT.")
    shared: bool = Field(False, description="Le ou la volontaire peut lire ce motif.")


class DateIn(Schema):
    on: date


class DepartureIn(Schema):
    on: date
    override: str = Field(
        "",
        max_length=1000,
        description="Pourquoi partir alors que le dossier de départ n'est pas complet.",
    )


class InterruptionIn(Schema):
    on: date = Field(description="Date du retour.")
    reason: str = Field(max_length=2000)


class IncomingIn(Schema):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    nationality: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")
    birth_date: date
    passport_number: str = Field(max_length=32)
    sending_organisation: str = Field(max_length=200)
    host_structure: int | None = Field(
        None, description="Une structure d'accueil enregistrée (voir la page des structures)."
    )
    host_structure_name: str = Field("", max_length=200, description="Sinon, son nom.")
    region: Region
    theme: int
    arrival_date: date
    departure_date: date
    emergency_contact_name: str = Field(max_length=150)
    emergency_contact_phone: str = Field(max_length=20, description="Avec l'indicatif du pays.")


class IncomingPatch(Schema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    nationality: str | None = Field(None, min_length=2, max_length=2)
    birth_date: date | None = None
    passport_number: str | None = Field(None, max_length=32)
    sending_organisation: str | None = Field(None, max_length=200)
    host_structure: int | None = None
    host_structure_name: str | None = Field(None, max_length=200)
    region: Region | None = None
    theme: int | None = None
    arrival_date: date | None = None
    departure_date: date | None = None
    emergency_contact_name: str | None = Field(None, max_length=150)
    emergency_contact_phone: str | None = Field(None, max_length=20)


class IncomingOut(BaseModel):
    id: int
    status: IncomingStatus
    status_label: str
    first_name: str
    last_name: str
    nationality: str
    birth_date: date
    passport_number_masked: str = Field(description="Ses deux derniers caractères seulement.")
    sending_organisation: str
    host_structure: Ref | None
    host_structure_name: str
    host_check: Literal["verified", "lapsed", "unverified", "unlisted"] = Field(
        description="La vérification de la structure d'accueil par l'ANVT, aujourd'hui."
    )
    flagged: bool = Field(description="Signalée : structure non vérifiée à ce jour.")
    region: Region
    theme: Ref
    arrival_date: date
    departure_date: date
    emergency_contact_name: str
    emergency_contact_phone: str


class IncomingPage(BaseModel):
    items: list[IncomingOut]
    next_cursor: str | None


class ContingentOut(BaseModel):
    id: int
    name: str
    status: ContingentStatus
    status_label: str
    call: Ref
    capacity: int
    seats_taken: int
    planned_departure: date | None


class ContingentPage(BaseModel):
    items: list[ContingentOut]
    next_cursor: str | None


class MissionOut(BaseModel):
    id: int
    title: str
    status: MissionStatus
    status_label: str
    theme: Ref
    country: str
    city: str
    start_date: date
    end_date: date
    seats: int


class MissionPage(BaseModel):
    items: list[MissionOut]
    next_cursor: str | None


class DeliveryOut(BaseModel):
    id: str = Field(description="L'en-tête X-ANVT-Delivery de la livraison.")
    event: str
    url: str
    state: Literal["pending", "sending", "sent", "failed"]
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None
