"""What an administrator deploys: the Dockerfile, its ignore file, and the README's «Deployment»."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_the_image_is_slim_runs_as_a_user_and_serves_with_a_health_check():
    instructions = _dockerfile()
    kinds = [kind for kind, _ in instructions]
    assert instructions[0][0] == "FROM" and re.fullmatch(r"python:3\.1\d-slim\S*", instructions[0][1])
    user = [args for kind, args in instructions if kind == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert kinds.index("USER") < kinds.index("ENTRYPOINT")
    assert any(kind == "HEALTHCHECK" and "/healthz" in args for kind, args in instructions)
    assert ("ENTRYPOINT", '["avvik-bot"]') in instructions
    assert ("CMD", '["serve", "--port", "3000"]') in instructions
    assert ("EXPOSE", "3000") in instructions


def test_the_image_copies_every_package_it_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {source for kind, args in _dockerfile() if kind == "COPY" for source in args.split()[:-1]}
    assert packages <= copied
    assert {"pyproject.toml", project["project"]["readme"]} <= copied
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "*.db", ".env"} <= set(ignored)
    assert not packages & set(ignored)


def test_the_readme_ends_with_deployment_in_both_modes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", readme, flags=re.M)
    assert sections[-1] == "Deployment"
    deployment = readme.split("\n## Deployment\n", 1)[1]
    for needed in ("manifest.yml", "socket_mode_enabled: true", "connections:write", "postgresql+psycopg://",
                   "avvik-bot db upgrade", "avvik-bot serve", "avvik-bot socket", "docker build", "docker run",
                   "/healthz", "/readyz", "--no-healthcheck", "Replicas", "LOG_FORMAT=json", "purge --dry-run"):
        assert needed in deployment, needed
    for name in Settings.model_fields:  # every setting is documented
        assert name.upper() in readme, name
