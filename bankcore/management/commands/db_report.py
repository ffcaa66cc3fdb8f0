from django.core.management.base import CommandError

from bankcore.backoffice.database_report import REPORT_STEPS, Section, database_report
from bankcore.commands import Report, ReportCommand


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


class Command(ReportCommand):
    help = (
        "Print the database report: table and index sizes, index use and unused indexes, sequential "
        "scans on large tables, cache hit ratio, the slowest statements (pg_stat_statements), dead "
        "rows and vacuum, connections and pool. --json: one object, the sections by title, each "
        "with its note, columns and rows."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--limit", type=int, default=15, help="Rows per section (default 15).")

    def report(self, *, limit: int, **options) -> Report:
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        with self.progress(total=REPORT_STEPS, unit="queries") as progress:
            sections = database_report(limit=limit, progress=progress.update)
        result = Report(
            data={
                "sections": [
                    {"title": s.title, "note": s.note, "columns": s.columns, "rows": s.rows} for s in sections
                ]
            }
        )
        for section in sections:
            result.say("\n".join(section_text(section)) + "\n")
        return result
