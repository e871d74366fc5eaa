// Create the interactions of a batch that are not in the database yet, with their
// relationships, in the same transaction as the rest of the batch.
// $rows = [{interaction_id, epoch_seconds, nanosecond, customer_id, staff_id, product_id,
//           properties: MAP}]; staff_id and product_id may be null. The Customer, Staff and
// Product nodes exist already (loaded first). The loader checks the counts returned: one
// interaction per row, one HANDLED per staff_id and one ABOUT per product_id.
UNWIND $rows AS row
MATCH (c:Customer {customer_id: row.customer_id})
CREATE (c)-[:HAD]->(i:Interaction {interaction_id: row.interaction_id})
SET i += row.properties,
    i.timestamp = datetime({epochSeconds: row.epoch_seconds, nanosecond: row.nanosecond})
WITH i, row
CALL (i, row) {
  WITH i, row WHERE row.staff_id IS NOT NULL
  MATCH (s:Staff {staff_id: row.staff_id})
  CREATE (s)-[:HANDLED]->(i)
  RETURN count(*) AS handled
}
CALL (i, row) {
  WITH i, row WHERE row.product_id IS NOT NULL
  MATCH (p:Product {product_id: row.product_id})
  CREATE (i)-[:ABOUT]->(p)
  RETURN count(*) AS about
}
RETURN count(i) AS interactions, sum(handled) AS handled, sum(about) AS about
