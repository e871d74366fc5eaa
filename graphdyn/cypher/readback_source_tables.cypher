// The extra (non-contract) columns of each input table, in order.
MATCH (t:SourceTable)
RETURN t.name AS name, t.extra_columns AS extra_columns
