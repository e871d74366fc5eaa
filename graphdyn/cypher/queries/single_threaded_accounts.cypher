// Single-threaded accounts, most decayed value first.
// Answers: which customers' relationship with the vendor hangs on exactly one strong tie, so
// that they would be exposed if that person left or was unavailable, and who is that person?
// Needs: an audit written to Neo4j (graphdyn audit ... --write-neo4j).
// @param limit integer = 50 -- how many customers to list
MATCH (a:Audit {audit_id: 'current'})
MATCH (c:Customer)-[t:TIE]->(s:Staff)
WHERE c.single_threaded = true AND t.strength >= a.strong_threshold
RETURN c.customer_id AS customer_id,
       c.name AS name,
       c.strength AS strength,
       c.status AS status,
       c.value_raw AS decayed_value,
       s.staff_id AS sole_staff_id,
       s.name AS sole_staff_name,
       s.role AS sole_staff_role,
       t.strength AS tie_strength
ORDER BY coalesce(decayed_value, 0.0) DESC, customer_id ASC
LIMIT $limit
