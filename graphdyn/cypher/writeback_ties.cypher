// One TIE per customer–staff pair of the audit: $rows = [{customer_id, staff_id, properties}].
// SET = replaces every property of an existing TIE, so nothing of an earlier audit lingers;
// properties carries audit_run, which writeback_finish.cypher uses to remove stale TIEs.
UNWIND $rows AS row
MERGE (c:Customer {customer_id: row.customer_id})
MERGE (s:Staff {staff_id: row.staff_id})
MERGE (c)-[t:TIE]->(s)
SET t = row.properties
