"""The lock files are what `make` and the image install, so they must say what pyproject.toml
asks for: every dependency pinned, with hashes, at a version its range admits; and the image
installs them in a layer of its own, before our code, on a base pinned by digest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def wanted(extra: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    if extra:
        specs += project["optional-dependencies"]["dev"]
    build = (ROOT / "requirements" / "build.in").read_text(encoding="utf-8").splitlines()
    return [Requirement(s) for s in specs + [b for b in build if b and not b.startswith("#")]]


@pytest.mark.parametrize(("lock", "extra"), [("app.lock", False), ("dev.lock", True)])
def test_every_dependency_is_pinned_within_its_range(lock: str, extra: bool) -> None:
    pinned = pins(lock)
    for requirement in wanted(extra):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {requirement.name}=={version}, outside {requirement.specifier}: "
            "run `make lock`"
        )


@pytest.mark.parametrize("lock", ["app.lock", "dev.lock"])
def test_every_pin_carries_a_hash(lock: str) -> None:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert len(entries) == len(PIN.findall(text))  # a name may be pinned twice, per marker
    for entry in entries:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_the_image_installs_the_lock_before_our_code_on_a_pinned_base() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    base = next(line for line in lines if line.startswith("ARG BASE="))
    assert re.search(r"@sha256:[0-9a-f]{64}$", base), base
    install = next(i for i, line in enumerate(lines) if "--require-hashes -r" in line)
    ours = next(i for i, line in enumerate(lines) if line.startswith("COPY bot"))
    assert "requirements/app.lock" in lines[install]
    assert install < ours
    assert any("MPLCONFIGDIR=" in line for line in lines)  # a read-only root keeps its font cache
