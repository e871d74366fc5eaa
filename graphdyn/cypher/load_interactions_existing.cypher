// Which of a batch's interaction ids are already in the database: $ids = [STRING]. One list,
// not one record per id: the client decodes it several times faster.
UNWIND $ids AS id
MATCH (i:Interaction {interaction_id: id})
RETURN collect(id) AS found
