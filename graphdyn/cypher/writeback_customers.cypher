// The audit's figures on each Customer: $rows = [{id, properties}], properties holding every
// allow-listed audit property (null removes one the audit no longer has) and audit_run.
UNWIND $rows AS row
MERGE (n:Customer {customer_id: row.id})
SET n += row.properties
