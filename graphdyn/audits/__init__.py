"""Audits: the model run as of a date, the ``--fail-on`` conditions on one, and two compared.

This layer sits on the model (:mod:`graphdyn.model`) and under the outputs (:mod:`graphdyn.folder`,
:mod:`graphdyn.views`, :mod:`graphdyn.neo4j`): an :class:`Audit` holds frames, a graph and its
parameters, and knows nothing of how it is shown or stored.
"""
