// Upsert Customer nodes, one row per id: $rows = [{id: STRING, properties: MAP}].
// For a row of customers.csv, properties holds every attribute (null removes it) and listed: true;
// for an id known only from interactions it is empty, leaving earlier attributes alone.
UNWIND $rows AS row
MERGE (n:Customer {customer_id: row.id})
SET n += row.properties
