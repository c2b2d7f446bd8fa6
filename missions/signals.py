"""What the programme tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent inside the transaction that confirms a placement (every party has confirmed), with
# `placement`: the mobility file opens then (mobility.apps).
placement_confirmed = Signal()
# Sent inside the transaction that records a completed mission's return, with `placement`: the
# certificate of completion is issued then (alumni.apps).
placement_completed = Signal()
# Sent inside the transaction that corrects a recorded departure, arrival or return, with
# `placement`: a valid certificate takes the corrected dates (alumni.apps).
placement_dates_corrected = Signal()
