"""Every relative link in the README and the other markdown files of the repository points at a file or folder
that exists (anchors and web links are not checked)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def broken_links(paths) -> list[str]:
    broken = []
    for path in paths:
        for target in LINK.findall(Path(path).read_text()):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            if not (Path(path).parent / target.split("#")[0]).exists():
                broken.append(f"{path}: {target}")
    return broken


def test_relative_links_resolve():
    files = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert "README.md" in files
    broken = broken_links(ROOT / f for f in files)
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / "here.md").write_text("x")
    doc = tmp_path / "doc.md"
    doc.write_text("[ok](here.md) [anchor](#a) [web](https://x.org) [gone](docs/missing.md#part)")
    assert broken_links([doc]) == [f"{doc}: docs/missing.md#part"]
