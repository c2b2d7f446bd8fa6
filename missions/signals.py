"""What the programme tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent inside the transaction that confirms a placement (every party has confirmed), with
# `placement`: the mobility file opens then (mobility.apps).
placement_confirmed = Signal()
