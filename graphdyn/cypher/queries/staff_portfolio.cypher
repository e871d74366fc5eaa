// A staff member's portfolio, strongest tie first.
// Answers: which customers is this person tied to, in what state are those ties, and which of
// the customers have no other strong tie to the vendor?
// Needs: an audit written to Neo4j (graphdyn audit ... --write-neo4j).
// @param staff_id string -- the staff member
// @param limit integer = 100 -- how many customers to list
MATCH (a:Audit {audit_id: 'current'})
MATCH (c:Customer)-[t:TIE]->(s:Staff {staff_id: $staff_id})
OPTIONAL MATCH (c)-[other:TIE]->(colleague:Staff)
WHERE colleague <> s AND other.strength >= a.strong_threshold
WITH c, t, count(other) AS other_strong_ties
RETURN c.customer_id AS customer_id,
       c.name AS name,
       t.strength AS tie_strength,
       t.liveness AS tie_liveness,
       t.status AS tie_status,
       t.trend AS tie_trend,
       t.n_interactions AS interactions,
       t.last_contact AS last_contact,
       c.strength AS customer_strength,
       other_strong_ties
ORDER BY tie_strength DESC, customer_id ASC
LIMIT $limit
