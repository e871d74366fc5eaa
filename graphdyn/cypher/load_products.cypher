// Upsert Product nodes, one row per id: $rows = [{id: STRING, properties: MAP}].
// For a row of products.csv, properties holds every attribute (null removes it) and listed: true;
// for an id known only from interactions it is empty, leaving earlier attributes alone.
// Returns each node's element id, by which the interaction batches find it (a seek by id
// instead of an index lookup per relationship).
UNWIND $rows AS row
MERGE (n:Product {product_id: row.id})
SET n += row.properties
RETURN collect([row.id, elementId(n)]) AS elements
