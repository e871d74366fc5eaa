"""Neo4j: the local server, connection, schema, loads and queries."""
