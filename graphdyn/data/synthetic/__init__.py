"""The building blocks of :func:`graphdyn.data.generate.generate`.

- :mod:`~graphdyn.data.synthetic.parameters`: the constants the synthetic world is made of;
- :mod:`~graphdyn.data.synthetic.vocabulary`: words for names of companies, people, products;
- :mod:`~graphdyn.data.synthetic.population`: staff, products and customers;
- :mod:`~graphdyn.data.synthetic.activity`: contact streams, planted decay and interactions;
- :mod:`~graphdyn.data.synthetic.tables`: the planted truth and the Arrow tables written.
"""
