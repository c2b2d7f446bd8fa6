"""English times on a 24-hour clock, as the French pages read them: Django's "6 a.m." ends a
sentence with a double full stop ("at 6 a.m.."). Dates keep Django's English formats."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
