from django.core.management.base import BaseCommand

from bankcore.cache import stats


class Command(BaseCommand):
    help = "Print cache hits and misses per key family (all processes, as flushed to the cache)."

    def handle(self, *args, **options):
        report = stats.snapshot()
        if not report:
            self.stdout.write("No cache reads recorded yet.")
            return
        self.stdout.write(f"{'family':<20} {'hits':>10} {'misses':>10} {'hit rate':>9}")
        for family, counts in report.items():
            rate = "-" if counts["hit_rate"] is None else f"{counts['hit_rate']:.1%}"
            self.stdout.write(f"{family:<20} {counts['hits']:>10} {counts['misses']:>10} {rate:>9}")
