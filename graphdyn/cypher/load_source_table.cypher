// Remember the extra (non-contract) columns of an input table, in their first-seen order, so
// that the read-back rebuilds the table with the same columns: $name, $columns.
MERGE (t:SourceTable {name: $name})
SET t.extra_columns = coalesce(t.extra_columns, [])
  + [column IN $columns WHERE NOT column IN coalesce(t.extra_columns, [])]
