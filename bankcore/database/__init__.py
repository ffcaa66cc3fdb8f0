"""bankcore's database backends (Django's, with what bankcore changes in them), and the rows
its services write in SQL of their own (``rows``)."""
