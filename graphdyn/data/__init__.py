"""The data contract, the files as read, the checks of values and the synthetic data generator.

:mod:`graphdyn.data.contract` names the tables and their columns, :mod:`graphdyn.data.files`
finds and loads the files as they are, :mod:`graphdyn.data.validate` checks the attribute
tables' values (and :mod:`graphdyn.data.names` gives their ids' names), and
:mod:`graphdyn.data.generate` writes a synthetic data folder. All of it stands below the engine;
the data set, read and checked through the engine, is in :mod:`graphdyn.ingest`.
"""
