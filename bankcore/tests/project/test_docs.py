"""Every Markdown file the repository names exists, and every link in its docs resolves
(files and the anchors of headings).

A page that moves or is renamed leaves names of it behind in code comments, docstrings,
other pages, the Makefile and CI; this finds them. A name resolves if it exists relative to
the file that names it or to the repository's root.
"""

import re
from pathlib import Path

from django.conf import settings

from bankcore.tests.helpers import tracked_text_files

ROOT = Path(settings.BASE_DIR)
# A path or a bare name ending in .md, as "docs/<page>.md", "../<page>.md" or "<page>.md" would be.
MARKDOWN_NAME = re.compile(r"(?<![\w./-])((?:\.{1,2}/)*[\w-]+(?:[./][\w-]+)*\.md)(?![\w/])")
# A Markdown link or image target: [text](target) and ![alt](target).
LINK = re.compile(r"\]\(([^)\s]+)\)")


def resolves(name: str, referrer: Path, root: Path) -> bool:
    return (referrer.parent / name).exists() or (root / name).exists()


def missing_markdown(root: Path) -> list[str]:
    """Every "file: name" where file names a Markdown file that exists neither beside it nor
    under the root."""
    missing = []
    for path in tracked_text_files(root):
        text = path.read_text(errors="replace")
        for name in sorted(set(MARKDOWN_NAME.findall(text))):
            if not resolves(name, path, root):
                missing.append(f"{path.relative_to(root)}: {name}")
    return sorted(missing)


def anchors(page: Path) -> set[str]:
    """The anchors a Markdown renderer gives the page's headings, GitHub's way."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", page.read_text(), flags=re.MULTILINE):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def broken_links(root: Path) -> list[str]:
    """Every "page: target" where a Markdown page links to a path that does not exist, or
    to an anchor its page does not have."""
    broken = []
    for path in tracked_text_files(root):
        if path.suffix != ".md":
            continue
        for target in LINK.findall(path.read_text()):
            if re.match(r"[a-z]+:", target):
                continue  # a URL
            file, _, anchor = target.partition("#")
            linked = path.parent / file if file else path
            if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
                broken.append(f"{path.relative_to(root)}: {target}")
    return sorted(broken)


def test_every_markdown_file_named_exists():
    assert missing_markdown(ROOT) == []


def test_every_link_in_the_docs_resolves():
    assert broken_links(ROOT) == []


def test_the_readme_is_an_entry_point_that_links_every_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200, "the README is an entry point; the rest lives in docs/"
    linked = set(LINK.findall(readme))
    unlinked = [
        page.name for page in sorted((ROOT / "docs").glob("*.md")) if f"docs/{page.name}" not in linked
    ]
    assert unlinked == []


def test_a_name_of_a_page_that_does_not_exist_is_found(tmp_path):
    # The names are put together here, so that this file names no page itself.
    md = ".md"
    gone, here, there = f"GONE{md}", f"here{md}", f"there{md}"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / here).write_text(f"See [there]({there}) and `../{gone}`.\n")
    (tmp_path / "docs" / there).write_text(
        f"## Where it is\n![a plot](plots/missing.png) [a site](https://example.test/x{md})\n"
        f"[here]({here}#nowhere) [there](#where-it-is) [back](#gone)\n"
    )
    (tmp_path / "tool.py").write_text(f'"""The budgets are in {gone} and docs/{here}."""\n')
    assert missing_markdown(tmp_path) == [f"docs/{here}: ../{gone}", f"tool.py: {gone}"]
    assert broken_links(tmp_path) == [
        f"docs/{there}: #gone",
        f"docs/{there}: {here}#nowhere",
        f"docs/{there}: plots/missing.png",
    ]
