// The graphdyn graph model (docs/neo4j.md). Run by `graphdyn load` and the audit write-back
// before they write anything; every statement is idempotent (IF NOT EXISTS).
//
//   (:Customer)-[:HAD]->(:Interaction)<-[:HANDLED]-(:Staff)
//   (:Interaction)-[:ABOUT]->(:Product)
//   (:Customer)-[:TIE]->(:Staff)            written by the audit write-back
//   (:Audit {audit_id: 'current'})          the as-of date and parameters of that audit
//   (:SourceTable {name})                   the extra attribute columns of each input table
//
// Each node kind is keyed by its id under a uniqueness constraint, which also gives the index
// that MERGE and the lookups use. Neo4j Community has no property type constraints; the types
// (DATETIME timestamps, DATE dates, FLOAT numbers, STRING ids) are set by the loaders.
// Interaction.timestamp has no index on purpose: every index is updated by each insert, and
// the queries here reach interactions through their customer, not by time (measured: an index
// on it cost about 15% of the server's time during a load).

CREATE CONSTRAINT graphdyn_customer_id IF NOT EXISTS
FOR (n:Customer) REQUIRE n.customer_id IS UNIQUE;

CREATE CONSTRAINT graphdyn_staff_id IF NOT EXISTS
FOR (n:Staff) REQUIRE n.staff_id IS UNIQUE;

CREATE CONSTRAINT graphdyn_product_id IF NOT EXISTS
FOR (n:Product) REQUIRE n.product_id IS UNIQUE;

CREATE CONSTRAINT graphdyn_interaction_id IF NOT EXISTS
FOR (n:Interaction) REQUIRE n.interaction_id IS UNIQUE;

CREATE CONSTRAINT graphdyn_audit_id IF NOT EXISTS
FOR (n:Audit) REQUIRE n.audit_id IS UNIQUE;

CREATE CONSTRAINT graphdyn_source_table IF NOT EXISTS
FOR (n:SourceTable) REQUIRE n.name IS UNIQUE;

// The canned queries filter customers and ties by the audit's status.
CREATE INDEX graphdyn_customer_status IF NOT EXISTS
FOR (n:Customer) ON (n.status);

CREATE INDEX graphdyn_tie_status IF NOT EXISTS
FOR ()-[r:TIE]-() ON (r.status);
