// At-risk customers, weakest relationship first.
// Answers: which customers does the latest audit rate at_risk, how long since anyone spoke to
// them, and who at the vendor knows them best (the person to call)?
// Needs: an audit written to Neo4j (graphdyn audit ... --write-neo4j).
// @param limit integer = 20 -- how many customers to list
MATCH (a:Audit {audit_id: 'current'})
MATCH (c:Customer)
WHERE c.status = 'at_risk'
OPTIONAL MATCH (c)-[t:TIE]->(s:Staff {staff_id: c.top_staff_id})
RETURN c.customer_id AS customer_id,
       c.name AS name,
       c.strength AS strength,
       c.trend AS trend,
       c.days_since_last AS days_since_last,
       c.value_raw AS decayed_value,
       s.staff_id AS best_staff_id,
       s.name AS best_staff_name,
       t.strength AS best_tie_strength,
       date(a.as_of) AS as_of
ORDER BY strength ASC, customer_id ASC
LIMIT $limit
