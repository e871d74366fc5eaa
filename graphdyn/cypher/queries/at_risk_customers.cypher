// At-risk customers, most at stake first.
// Answers: which customers does the latest audit rate at_risk, what does the vendor stand to
// lose with each (value at risk, or strength at risk where the data has no values: the
// audit's priority), how long since anyone spoke to them, and who at the vendor knows them
// best (the person to call)?
// Needs: an audit written to Neo4j (graphdyn audit ... --write-neo4j).
// @param limit integer = 20 -- how many customers to list
MATCH (a:Audit {audit_id: 'current'})
MATCH (c:Customer)
WHERE c.status = 'at_risk'
OPTIONAL MATCH (c)-[t:TIE]->(s:Staff {staff_id: c.top_staff_id})
WITH a, c, t, s,
     CASE a.priority WHEN 'value_at_risk' THEN c.value_at_risk ELSE c.strength_at_risk END
       AS at_stake
RETURN c.customer_id AS customer_id,
       c.name AS name,
       a.priority AS priority,
       at_stake,
       c.liveness AS liveness,
       c.strength AS strength,
       c.days_since_last AS days_since_last,
       c.typical_gap_days AS typical_gap_days,
       c.value_raw AS decayed_value,
       s.staff_id AS best_staff_id,
       s.name AS best_staff_name,
       t.strength AS best_tie_strength,
       t.liveness AS best_tie_liveness,
       date(a.as_of) AS as_of
ORDER BY coalesce(at_stake, 0.0) DESC, customer_id ASC
LIMIT $limit
