"""bankcore's database backends: Django's, with what bankcore changes in them."""
