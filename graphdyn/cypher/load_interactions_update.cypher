// Update interactions that are already in the database (a reload, or a load resumed after a
// crash): set their properties and make their HAD, HANDLED and ABOUT relationships point to
// the customer, staff member and product of the row, removing any that no longer do.
// $rows and the counts returned as in load_interactions_new.cypher.
UNWIND $rows AS row
MATCH (i:Interaction {interaction_id: row.interaction_id})
SET i += row.properties,
    i.timestamp = datetime({epochSeconds: row.epoch_seconds, nanosecond: row.nanosecond})
WITH i, row
CALL (i, row) {
  MATCH (i)-[old:HAD|HANDLED|ABOUT]-(other)
  // coalesce: a null id in the row (no staff member, no product) makes the test null, and
  // such a relationship must go too.
  WHERE NOT coalesce(
    type(old) = 'HAD' AND other.customer_id = row.customer_id
    OR type(old) = 'HANDLED' AND other.staff_id = row.staff_id
    OR type(old) = 'ABOUT' AND other.product_id = row.product_id,
    false
  )
  DELETE old
}
MATCH (c:Customer {customer_id: row.customer_id})
MERGE (c)-[:HAD]->(i)
WITH i, row
CALL (i, row) {
  WITH i, row WHERE row.staff_id IS NOT NULL
  MATCH (s:Staff {staff_id: row.staff_id})
  MERGE (s)-[:HANDLED]->(i)
  RETURN count(*) AS handled
}
CALL (i, row) {
  WITH i, row WHERE row.product_id IS NOT NULL
  MATCH (p:Product {product_id: row.product_id})
  MERGE (i)-[:ABOUT]->(p)
  RETURN count(*) AS about
}
RETURN count(i) AS interactions, sum(handled) AS handled, sum(about) AS about
