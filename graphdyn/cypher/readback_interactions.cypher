// One page of interactions for the read-back: at most $page, the next ones after the id $after
// in interaction_id order (the uniqueness index gives that order without a sort), each with
// the ids of its customer, staff member and product. A page comes as one list of rows, which
// the driver decodes far faster than as many records. The timestamp comes as microseconds
// since 1970-01-01 UTC, exact (from epochMillis, which rounds down before 1970 where
// epochSeconds rounds toward zero). $extra names the extra properties to return, in order, at
// the end of each row. `last` is where the next page starts.
MATCH (i:Interaction)
WHERE i.interaction_id > $after
WITH i
ORDER BY i.interaction_id
LIMIT $page
OPTIONAL MATCH (c:Customer)-[:HAD]->(i)
OPTIONAL MATCH (s:Staff)-[:HANDLED]->(i)
OPTIONAL MATCH (i)-[:ABOUT]->(p:Product)
RETURN max(i.interaction_id) AS last,
       collect([
         i.interaction_id,
         i.timestamp.epochMillis * 1000 + i.timestamp.microsecond % 1000,
         c.customer_id,
         s.staff_id,
         i.channel,
         i.direction,
         i.duration_minutes,
         i.sentiment,
         i.value,
         p.product_id
       ] + [name IN $extra | i[name]]) AS rows
