// Single-threaded accounts, most decayed value first.
// Answers: which customers does one staff member carry alone (at least the audit's
// single_thread_share of the strength of their staff ties), so that they would be exposed if
// that person left or was unavailable, and who is that person?
// Needs: an audit written to Neo4j (graphdyn audit ... --write-neo4j).
// @param limit integer = 50 -- how many customers to list
MATCH (c:Customer)-[t:TIE]->(s:Staff)
WHERE c.single_threaded = true AND s.staff_id = c.top_staff_id
RETURN c.customer_id AS customer_id,
       c.name AS name,
       c.strength AS strength,
       c.liveness AS liveness,
       c.status AS status,
       c.value_raw AS decayed_value,
       s.staff_id AS sole_staff_id,
       s.name AS sole_staff_name,
       s.role AS sole_staff_role,
       t.strength AS tie_strength
ORDER BY coalesce(decayed_value, 0.0) DESC, customer_id ASC
LIMIT $limit
