"""`field__any_of=[…]`: membership in a list of plain values, sent as one parameter.

`__in` sends each value as its own parameter: a chunk of 500 ids costs 500 placeholders to
prepare, quote and parse in every query that uses it, about a third of the time of a whole-call
eligibility re-check (issue 18). On PostgreSQL this lookup sends the list as a single array
(`= ANY(%s)`); elsewhere it is an ordinary IN. The values must already be of the field's type
(ids, strings): nothing is converted.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


# Foreign keys keep lookups of their own: registered on both.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
