"""The names of the platform's staff permissions. Their rows live on the accounts app's User
model (its migrations made them, and accounts/0008_roles and 0010 grant them to the
engineering role), but what they open is composed here: each check spells them from here."""

VIEW_PROFILING = "accounts.view_profiling"
PURGE_PROFILING = "accounts.purge_profiling"
VIEW_CACHE_STATS = "accounts.view_cache_stats"
VIEW_DATABASE_REPORT = "accounts.view_database_report"
