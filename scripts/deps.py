"""Print the project's Python dependencies (runtime + dev), one per line, for pip."""

from pathlib import Path

import tomllib

meta = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
project = meta["project"]
for dep in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
    print(dep)
