from django.core.management.base import BaseCommand, CommandError

from bankcore.backoffice.database_report import Section, database_report


def section_text(section: Section) -> list[str]:
    """A section as plain-text lines: its title, its note, and its rows in aligned columns."""
    lines = [f"== {section.title} =="]
    if section.note:
        lines.append(section.note)
    if section.columns and section.rows:
        cells = [
            section.columns,
            *[["" if cell is None else str(cell) for cell in row] for row in section.rows],
        ]
        widths = [max(len(row[index]) for row in cells) for index in range(len(section.columns))]
        for number, row in enumerate(cells):
            lines.append(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if number == 0:
                lines.append("  ".join("-" * width for width in widths))
    elif section.columns:
        lines.append("(no rows)")
    return lines


class Command(BaseCommand):
    help = (
        "Print the database report: table and index sizes, index use and unused indexes, sequential "
        "scans on large tables, cache hit ratio, the slowest statements (pg_stat_statements), dead "
        "rows and vacuum, connections and pool."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=15, help="Rows per section (default 15).")

    def handle(self, *args, limit: int, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        for section in database_report(limit=limit):
            self.stdout.write("\n".join(section_text(section)) + "\n")
