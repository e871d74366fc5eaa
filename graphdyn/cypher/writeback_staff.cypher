// The audit's figures on each Staff node: $rows = [{id, properties}], as for customers.
UNWIND $rows AS row
MERGE (n:Staff {staff_id: row.id})
SET n += row.properties
