// Who knows whom at a customer, strongest tie first.
// Answers: who at the vendor has dealt with this customer (from the raw interactions), how
// well (the audit's tie strength and liveness, where written), how recently and through which
// channels?
// Works on loaded data alone; strength, status and trend need an audit written to Neo4j.
// @param customer_id string -- the customer
// @param limit integer = 50 -- how many staff members to list
MATCH (c:Customer {customer_id: $customer_id})-[:HAD]->(i:Interaction)<-[:HANDLED]-(s:Staff)
WITH c, s, i
ORDER BY i.channel
WITH c, s, count(i) AS interactions, max(i.timestamp) AS last_contact,
     collect(DISTINCT i.channel) AS channels
OPTIONAL MATCH (c)-[t:TIE]->(s)
RETURN s.staff_id AS staff_id,
       s.name AS name,
       s.role AS role,
       s.team AS team,
       s.left_at AS left_at,
       interactions,
       last_contact,
       channels,
       t.strength AS strength,
       t.liveness AS liveness,
       t.status AS status,
       t.trend AS trend
ORDER BY coalesce(strength, -1.0) DESC, interactions DESC, staff_id ASC
LIMIT $limit
