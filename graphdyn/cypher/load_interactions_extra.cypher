// The extra (non-contract) columns of interactions just created by
// load_interactions_new.cypher, in the same transaction: $rows = [{interaction_id,
// properties: MAP}]. Sent only when the interactions table has extra columns.
UNWIND $rows AS row
MATCH (i:Interaction {interaction_id: row.interaction_id})
SET i += row.properties
RETURN count(i) AS interactions
