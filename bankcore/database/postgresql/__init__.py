"""Django's PostgreSQL backend with a connection pool that checks a pooled connection without
a round trip (see base.py). ``ENGINE = "bankcore.database.postgresql"``."""
