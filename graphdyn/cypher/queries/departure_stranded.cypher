// The customers a departing staff member would strand, most decayed value first.
// Answers: if this person left, which customers would have no strong tie to the vendor left
// (this person is their only one), and who is the next-best contact to hand each of them to?
// Needs: an audit written to Neo4j (graphdyn audit ... --write-neo4j). The count of rows for a
// person equals their sole_strong_tie_customers in the audit's staff table.
// @param staff_id string -- the departing staff member
// @param limit integer = 100 -- how many customers to list
MATCH (a:Audit {audit_id: 'current'})
MATCH (c:Customer)-[t:TIE]->(leaver:Staff {staff_id: $staff_id})
WHERE t.strength >= a.strong_threshold
OPTIONAL MATCH (c)-[o:TIE]->(other:Staff)
WHERE other <> leaver
WITH a, c, t, o, other
ORDER BY o.strength DESC, other.staff_id ASC
WITH a, c, t, head(collect(other.staff_id)) AS next_best_staff_id,
     max(o.strength) AS next_best_strength
WHERE coalesce(next_best_strength, 0.0) < a.strong_threshold
RETURN c.customer_id AS customer_id,
       c.name AS name,
       t.strength AS tie_strength,
       c.strength AS customer_strength,
       c.liveness AS customer_liveness,
       c.status AS status,
       c.value_raw AS decayed_value,
       next_best_staff_id,
       next_best_strength
ORDER BY coalesce(decayed_value, 0.0) DESC, tie_strength DESC, customer_id ASC
LIMIT $limit
