"""A bare Django project serving make bench's ceilings (loadtest/bench.py): the same work as
bankcore's hot paths at their simplest, with none of bankcore's settings or middleware."""
