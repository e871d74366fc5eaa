"""The relationship model: tie strength, decay and centrality, as pure functions."""
