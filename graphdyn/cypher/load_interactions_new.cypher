// Create the interactions of a batch that are not in the database yet, with their
// relationships, in the same transaction as the rest of the batch.
// $rows = [{interaction_id, customer, staff, product, customer_id, staff_id, product_id,
//           epoch_seconds, nanosecond, channel, direction, duration_minutes, sentiment,
//           value}]: customer, staff and product are the element ids that
// load_customers/staff/products.cypher returned for the row's nodes, customer_id, staff_id
// and product_id their keys; staff, product and the optional columns may be null (a null property is not stored). An element id is only sure to name the same
// node within one transaction, so the key is checked too: a node deleted since it was loaded,
// or an id reused by another node, is not found.
// Every property is named and every read comes before the first write, so the plan has no
// Eager operator and no per-row subquery (a `SET i += map` would add an Eager); extra
// columns follow in load_interactions_extra.cypher. The loader checks the counts returned:
// one interaction per row, one HANDLED per staff and one ABOUT per product (otherwise the
// batch is rolled back).
UNWIND $rows AS row
MATCH (c:Customer) WHERE elementId(c) = row.customer AND c.customer_id = row.customer_id
OPTIONAL MATCH (s:Staff) WHERE elementId(s) = row.staff AND s.staff_id = row.staff_id
OPTIONAL MATCH (p:Product) WHERE elementId(p) = row.product AND p.product_id = row.product_id
CREATE (c)-[:HAD]->(i:Interaction {
  interaction_id: row.interaction_id,
  timestamp: datetime({epochSeconds: row.epoch_seconds, nanosecond: row.nanosecond}),
  channel: row.channel,
  direction: row.direction,
  duration_minutes: row.duration_minutes,
  sentiment: row.sentiment,
  value: row.value
})
FOREACH (staff IN CASE WHEN s IS NULL THEN [] ELSE [s] END | CREATE (staff)-[:HANDLED]->(i))
FOREACH (product IN CASE WHEN p IS NULL THEN [] ELSE [p] END | CREATE (i)-[:ABOUT]->(product))
RETURN count(i) AS interactions, count(s) AS handled, count(p) AS about
