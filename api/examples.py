"""The example of each operation in the OpenAPI description: what a partner's developer sends
and gets back. tests/api/test_schema.py checks that every operation has one and that each
answer example is valid for its schema."""

PLACEMENT = {
    "id": 412,
    "status": "proposed",
    "status_label": "Proposée au partenaire",
    "waiting_for": "partner",
    "volunteer_name": "Akossiwa Mensah",
    "contingent": {"id": 31, "name": "VIR 2026 — France"},
    "mission": {"id": 88, "title": "Animation socio-éducative à Lyon", "country": "FR"},
    "host": {"id": 17, "name": "Centre social de la Croix-Rousse"},
    "proposed_at": "2026-11-02T09:30:00+00:00",
    "deadline": "2026-11-16T09:30:00+00:00",
    "decided_at": None,
    "planned_departure": "2027-01-12",
    "actual_departure": None,
    "arrival_date": None,
    "return_date": None,
    "reports": {"midterm": False, "final": False},
}
CONFIRMED = {
    **PLACEMENT,
    "status": "host_pending",
    "status_label": "En attente de la structure",
    "waiting_for": "host",
    "decided_at": "2026-11-04T10:02:00+00:00",
}
DECLINED = {
    **PLACEMENT,
    "status": "declined",
    "status_label": "Refusée",
    "waiting_for": None,
    "decided_at": "2026-11-04T10:02:00+00:00",
    "deadline": None,
}
AWAY = {
    **CONFIRMED,
    "status": "departed",
    "status_label": "Partie",
    "waiting_for": None,
    "actual_departure": "2027-01-12",
}
INCOMING = {
    "id": 57,
    "status": "declared",
    "status_label": "Déclaré·e",
    "first_name": "Léa",
    "last_name": "Moreau",
    "nationality": "FR",
    "birth_date": "2001-04-18",
    "passport_number_masked": "•••••••42",
    "sending_organisation": "France Volontaires",
    "host_structure": {"id": 3, "name": "Association Lomé Solidarité"},
    "host_structure_name": "",
    "host_check": "verified",
    "flagged": False,
    "region": "grand_lome",
    "theme": {"id": 2, "name": "Prévention et santé"},
    "arrival_date": "2027-02-01",
    "departure_date": "2027-07-31",
    "emergency_contact_name": "Claire Moreau",
    "emergency_contact_phone": "+33612345678",
}
INCOMING_IN = {
    "first_name": "Léa",
    "last_name": "Moreau",
    "nationality": "FR",
    "birth_date": "2001-04-18",
    "passport_number": "19FR12342",
    "sending_organisation": "France Volontaires",
    "host_structure": 3,
    "region": "grand_lome",
    "theme": 2,
    "arrival_date": "2027-02-01",
    "departure_date": "2027-07-31",
    "emergency_contact_name": "Claire Moreau",
    "emergency_contact_phone": "+33 6 12 34 56 78",
}
CONTINGENT = {
    "id": 31,
    "name": "VIR 2026 — France",
    "status": "sent_to_partner",
    "status_label": "Envoyé au partenaire",
    "call": {"id": 9, "name": "Appel VIR 2026"},
    "capacity": 8,
    "seats_taken": 6,
    "planned_departure": "2027-01-12",
}
MISSION = {
    "id": 88,
    "title": "Animation socio-éducative à Lyon",
    "status": "published",
    "status_label": "Publiée",
    "theme": {"id": 2, "name": "Éducation"},
    "country": "FR",
    "city": "Lyon",
    "start_date": "2027-01-15",
    "end_date": "2027-12-15",
    "seats": 2,
}
DELIVERY = {
    "id": "0b8e6f0e-6a55-4d4b-9d1c-3c1f4c6f2a10",
    "event": "placement.proposed",
    "url": "https://plato.example.org/anvt/webhooks",
    "state": "sent",
    "attempts": 1,
    "last_error": "",
    "created_at": "2026-11-02T09:30:01+00:00",
    "sent_at": "2026-11-02T09:30:02+00:00",
}
NEXT = "eJyrVspWsrI0MjHSUcpOtTI0MjUwUKoFAD6BBTg:1tF7Zq:abc"

# operation id: (request body example or None, answer example)
EXAMPLES = {
    "list_placements": (None, {"items": [PLACEMENT], "next_cursor": NEXT}),
    "get_placement": (None, PLACEMENT),
    "confirm_placement": (None, CONFIRMED),
    "decline_placement": (
        {"reason": "Le profil ne correspond pas aux besoins de la structure.", "shared": False},
        DECLINED,
    ),
    "record_departure": ({"on": "2027-01-12", "override": ""}, AWAY),
    "record_arrival": (
        {"on": "2027-01-13"},
        {**AWAY, "status": "arrived", "status_label": "Arrivée", "arrival_date": "2027-01-13"},
    ),
    "record_return": (
        {"on": "2027-12-16"},
        {
            **AWAY,
            "status": "completed",
            "status_label": "Terminée",
            "arrival_date": "2027-01-13",
            "return_date": "2027-12-16",
        },
    ),
    "interrupt_placement": (
        {"on": "2027-04-02", "reason": "Rapatriement pour raison de santé."},
        {
            **AWAY,
            "status": "interrupted",
            "status_label": "Interrompue",
            "return_date": "2027-04-02",
        },
    ),
    "upload_report": (
        {"text": "Intégration réussie dans l'équipe ; ateliers du mercredi lancés."},
        {**AWAY, "reports": {"midterm": True, "final": False}},
    ),
    "list_incoming": (None, {"items": [INCOMING], "next_cursor": None}),
    "get_incoming": (None, INCOMING),
    "create_incoming": (INCOMING_IN, INCOMING),
    "update_incoming": (
        {"departure_date": "2027-08-15"},
        {**INCOMING, "departure_date": "2027-08-15"},
    ),
    "list_contingents": (None, {"items": [CONTINGENT], "next_cursor": None}),
    "get_contingent": (None, CONTINGENT),
    "list_missions": (None, {"items": [MISSION], "next_cursor": None}),
    "get_mission": (None, MISSION),
    "list_webhook_deliveries": (None, {"items": [DELIVERY], "next_cursor": None}),
}

PROBLEM = {
    "type": "/api/v1/problems/refused",
    "title": "Action refusée à cette étape",
    "status": 409,
    "detail": "Cette affectation n'attend pas cette décision : elle est maintenant « Confirmée ».",
    "instance": "/api/v1/placements/412/confirm",
}


def add_examples(schema: dict) -> None:
    for path in schema["paths"].values():
        for operation in path.values():
            request_example, answer = EXAMPLES[operation["operationId"]]
            for status, response in operation["responses"].items():
                for media in response.get("content", {}).values():
                    if int(status) < 300:
                        media["example"] = answer
                    elif status == "409":
                        media["example"] = PROBLEM
            if request_example is not None:
                for media in operation["requestBody"]["content"].values():
                    media["example"] = request_example
