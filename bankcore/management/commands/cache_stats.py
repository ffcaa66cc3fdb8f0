from django.conf import settings

from bankcore.cache import stats
from bankcore.commands import Report, ReportCommand


class Command(ReportCommand):
    help = (
        "Print cache hits and misses per key family (all processes, as flushed to the cache). "
        "--json: one object, the families by name."
    )

    def report(self, **options) -> Report:
        # The cache steps aside when Redis fails (its reads become misses): ask Redis itself
        # first, so that a cache that does not answer is "could not run", not empty stats.
        if settings.REDIS_URL:
            from django_redis import get_redis_connection

            get_redis_connection("default").ping()
        families = stats.snapshot()
        result = Report(data={"families": families})
        if not families:
            result.say("No cache reads recorded yet.")
            return result
        result.say(f"{'family':<20} {'hits':>10} {'misses':>10} {'hit rate':>9}")
        for family, counts in families.items():
            rate = "-" if counts["hit_rate"] is None else f"{counts['hit_rate']:.1%}"
            result.say(f"{family:<20} {counts['hits']:>10} {counts['misses']:>10} {rate:>9}")
        return result
