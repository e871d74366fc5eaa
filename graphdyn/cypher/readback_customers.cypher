// The rows of customers.csv as loaded: Customer nodes marked listed, with all their properties (the
// read-back keeps the contract's columns and the table's extra columns).
MATCH (n:Customer)
WHERE n.listed = true
RETURN n.customer_id AS id, properties(n) AS properties
