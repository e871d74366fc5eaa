// The rows of staff.csv as loaded: Staff nodes marked listed, with all their properties (the
// read-back keeps the contract's columns and the table's extra columns).
MATCH (n:Staff)
WHERE n.listed = true
RETURN n.staff_id AS id, properties(n) AS properties
