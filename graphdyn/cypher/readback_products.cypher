// The rows of products.csv as loaded: Product nodes marked listed, with all their properties (the
// read-back keeps the contract's columns and the table's extra columns).
MATCH (n:Product)
WHERE n.listed = true
RETURN n.product_id AS id, properties(n) AS properties
