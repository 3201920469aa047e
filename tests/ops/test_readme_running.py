"""The README's «Running» works as written after its two commands at the top, and says what is true:
every command and flag it shows exists, the benchmark runs with the venv's Python, the sheet list is
the workbook's, and `serve --help` gives every option's default."""

from __future__ import annotations

from pathlib import Path

from bot.cli import parser
from bot.reports.exports import sheet_names

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _running_block() -> tuple[str, list[str]]:
    section = README.split("\n## Running\n", 1)[1]
    intro, block = section.split("```sh\n", 1)
    return intro, block.split("```", 1)[0].strip().splitlines()


def test_running_says_how_avvik_bot_gets_on_the_path():
    intro, lines = _running_block()
    assert lines[0] == ". .venv/bin/activate"
    assert ".venv/bin/avvik-bot" in intro


def test_every_command_and_flag_in_running_exists():
    _, lines = _running_block()
    for line in lines[1:]:
        words = line.split("#", 1)[0].replace("[", " ").replace("]", " ").split()
        assert words[0] == "avvik-bot", line
        parser().parse_args(words[1:])  # SystemExit (and the test fails) on an unknown command or flag


def test_the_benchmark_runs_with_the_venvs_python():
    assert "`.venv/bin/python bench/run.py`" in README
    assert "`python bench/run.py`" not in README


def test_the_sheet_list_is_the_workbooks():
    for loc in ("nb", "en"):
        assert ", ".join(sheet_names(loc)[:-1]) + f", {sheet_names(loc)[-1]}" in README.replace("\n", " "), loc


def test_serve_help_gives_every_option_its_default():
    serve = parser()._subparsers._group_actions[0].choices["serve"]  # type: ignore[union-attr]
    for action in serve._actions:
        if action.option_strings and action.dest != "help":
            assert action.help and "default" in action.help, action.option_strings
