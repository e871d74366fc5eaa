"""The docs match the code: commands, options, settings, columns, errors and links.

Everything is enumerated at run time (click's command tree, ``graphdyn.Config``'s fields, the
columns of a real audit, the error classes), so a new command, option, setting or column fails
here until docs/ describes it, and a renamed one fails until the docs follow.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import graphdyn.errors
from graphdyn import Audit, audit
from graphdyn.audits.compare import CHANGE_COLUMNS
from graphdyn.audits.conditions import FIGURES
from graphdyn.audits.overview import LINK_COLUMNS, TEAM_COLUMNS, portfolio_overview
from graphdyn.cli import cli
from graphdyn.cli.main import command_tree
from graphdyn.config import Config, load_config
from graphdyn.data.contract import TABLES
from graphdyn.data.generate import generate
from graphdyn.data.validate import PROBLEM_COLUMNS
from graphdyn.folder import AUDIT_TABLES, write_audit_folder
from graphdyn.model.decay import STATUSES, TRENDS
from graphdyn.neo4j.queries import canned_queries

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


# --- reading markdown ------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading and everything under it up to the next heading of the same or a higher level."""

    level: int
    title: str
    slug: str
    body: str


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = title.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def sections(text: str) -> list[Section]:
    """The sections of a markdown text (headings inside code blocks are not headings)."""
    masked = _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    headings = list(_HEADING.finditer(masked))
    found = []
    for i, heading in enumerate(headings):
        level = len(heading.group(1))
        end = len(text)
        for later in headings[i + 1 :]:
            if len(later.group(1)) <= level:
                end = later.start()
                break
        title = heading.group(2).replace("`", "")
        found.append(Section(level, title, slug(title), text[heading.end() : end]))
    return found


def section(text: str, title: str, within: str | None = None) -> Section:
    """The one section called ``title`` (inside the section called ``within``, if given)."""
    scope = text if within is None else section(text, within).body
    matches = [s for s in sections(scope) if s.title == title]
    assert len(matches) == 1, f"expected one section {title!r}, found {len(matches)}"
    return matches[0]


def with_linked_sections(text: str, start: Section) -> str:
    """A section's text plus the sections of the same page it links to (``(#anchor)``)."""
    by_slug = {s.slug: s for s in sections(text)}
    parts = [start.body]
    for target in _LINK.findall(start.body):
        if target.startswith("#") and target[1:] in by_slug:
            parts.append(by_slug[target[1:]].body)
    return "\n".join(parts)


def option_tokens(text: str) -> set[str]:
    """Every ``-x`` / ``--name`` written in a code span: `` `--weight COMPONENT=ALPHA` ``."""
    tokens = set()
    for span in _CODE_SPAN.findall(text):
        for word in span.replace(",", " ").split():
            if re.fullmatch(r"--?[a-z][a-z0-9-]*", word.split("=")[0]):
                tokens.add(word.split("=")[0])
    return tokens


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the markdown tables in ``text``, as lists of stripped cells."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"\|[-| :]+\|", line.strip()):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows.append(cells)
    return rows


# --- the command line ------------------------------------------------------------------------


def heading_of(path: tuple[str, ...]) -> str:
    return " ".join(("graphdyn", *path))


COMMANDS = list(command_tree())
COMMAND_PARAMS = [pytest.param(path, command, id=heading_of(path)) for path, command in COMMANDS]
CLI_DOC = read("cli.md")


def command_section(path: tuple[str, ...]) -> Section:
    """The command's section of cli.md, without the sections of its subcommands."""
    found = section(CLI_DOC, heading_of(path))
    nested = [s for s in sections(found.body) if s.title.startswith("graphdyn ")]
    if nested:
        cut = re.search(rf"^#+[ \t]+`?{re.escape(nested[0].title)}", found.body, re.MULTILINE)
        assert cut is not None
        found = Section(found.level, found.title, found.slug, found.body[: cut.start()])
    return found


@pytest.mark.parametrize("path, command", COMMAND_PARAMS)
def test_every_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help and command.help.strip(), f"{heading_of(path)} has no help text"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    first_line = command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()) in " ".join(result.output.split())


@pytest.mark.parametrize("path, command", COMMAND_PARAMS)
def test_every_command_and_option_is_in_cli_md(
    path: tuple[str, ...], command: click.Command
) -> None:
    own = command_section(path)
    documented = with_linked_sections(CLI_DOC, own)
    for parameter in command.params:
        if isinstance(parameter, click.Argument):
            assert parameter.human_readable_name in documented, (
                f"{heading_of(path)}: argument {parameter.human_readable_name} not in docs/cli.md"
            )
            continue
        if path and parameter.name == "help":
            continue  # -h/--help is documented once, under "graphdyn"
        for name in [*parameter.opts, *parameter.secondary_opts]:
            assert name in option_tokens(documented), (
                f"{heading_of(path)}: option {name} not in its section of docs/cli.md"
            )


@pytest.mark.parametrize("path, command", COMMAND_PARAMS)
def test_option_tables_list_only_real_options(
    path: tuple[str, ...], command: click.Command
) -> None:
    real = {name for p in command.params for name in [*p.opts, *p.secondary_opts]}
    real |= {"-h", "--help"}
    own = command_section(path)
    linked = [
        s
        for s in sections(CLI_DOC)
        if f"(#{s.slug})" in own.body and not s.title.startswith("graphdyn")
    ]
    for text in [own.body, *(s.body for s in linked)]:
        first_cells = " ".join(row[0] for row in table_rows(text))
        stale = option_tokens(first_cells) - real
        assert not stale, f"{heading_of(path)}: docs/cli.md lists unknown options {stale}"


def test_every_documented_command_exists() -> None:
    known = {heading_of(path) for path, _ in COMMANDS}
    headed = {s.title for s in sections(CLI_DOC) if s.title.startswith("graphdyn")}
    assert headed <= known, f"docs/cli.md documents commands that do not exist: {headed - known}"


def test_commands_named_anywhere_in_the_docs_exist() -> None:
    names = {path[0] for path, _ in COMMANDS if path}
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        lines = [line for block in _FENCE.findall(text) for line in block.splitlines()]
        for code in [*_CODE_SPAN.findall(text), *lines]:
            used = re.match(r"\s*(?:\$\s+)?graphdyn ([a-z][a-z0-9-]*)", code)
            if used:
                assert used.group(1) in names, (
                    f"{page.name} names `graphdyn {used.group(1)}`, which is not a command"
                )


def test_fail_on_figures_are_all_documented() -> None:
    conditions = section(CLI_DOC, "Conditions").body
    documented = {span for row in table_rows(conditions) for span in _CODE_SPAN.findall(row[0])}
    assert documented == set(FIGURES)


# --- configuration ---------------------------------------------------------------------------


def expected_settings() -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in Config().to_dict().items():
        if name == "intensity_reference":
            continue  # derived, not a setting
        if isinstance(value, dict):
            flat.update({f"{name}.{key}": item for key, item in value.items()})
        else:
            flat[name] = value
    return flat


def documented_settings() -> dict[str, object]:
    table = section(read("configuration.md"), "Model settings").body
    found: dict[str, object] = {}
    for row in table_rows(table):
        names, defaults = _CODE_SPAN.findall(row[0]), _CODE_SPAN.findall(row[1])
        if len(names) == 1 and len(defaults) == 1:
            found[names[0]] = tomllib.loads(f"value = {defaults[0]}")["value"]
    return found


def test_configuration_md_lists_every_setting_with_its_default() -> None:
    expected, documented = expected_settings(), documented_settings()
    assert set(documented) == set(expected), (
        f"missing: {sorted(set(expected) - set(documented))}, "
        f"not settings: {sorted(set(documented) - set(expected))}"
    )
    wrong = {name: (documented[name], expected[name]) for name in expected}
    wrong = {name: pair for name, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong, f"defaults in docs/configuration.md differ from Config(): {wrong}"


def test_configuration_example_is_a_valid_graphdyn_toml(tmp_path: Path) -> None:
    blocks = re.findall(r"^```toml\n(.*?)^```", read("configuration.md"), re.M | re.S)
    assert len(blocks) == 1
    path = tmp_path / "graphdyn.toml"
    path.write_text(blocks[0], encoding="utf-8")
    config = load_config(path)
    assert config != Config()
    assert "webinar" in config.channels


def test_model_md_names_every_setting() -> None:
    model = read("model.md")
    for name in Config().to_dict():
        if name != "intensity_reference":
            assert f"`{name}" in model, f"docs/model.md does not mention {name}"


def test_model_md_cites_its_sources() -> None:
    model = read("model.md")
    sources = [
        "Granovetter (1973)",
        "Marsden & Campbell (1984)",
        "Gilbert & Karahalios (2009)",
        "Daft & Lengel (1986)",
        "Burt (1992)",
        "Burt (2000)",
        "Onnela et al. (2007)",
    ]
    missing = [s for s in sources if s not in model]
    assert not missing
    references = section(model, "Sources").body
    for author in ("Granovetter", "Marsden", "Gilbert", "Daft", "Burt", "Onnela"):
        assert re.search(rf"^- {author}", references, re.MULTILINE), author


# --- the data contract -----------------------------------------------------------------------

CONTRACT = read("data-contract.md")


def documented_columns(title: str, within: str = "Output: an audit folder") -> set[str]:
    body = section(CONTRACT, title, within).body
    return {span for row in table_rows(body) for span in _CODE_SPAN.findall(row[0])}


@pytest.fixture(scope="module")
def real_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Path]:
    folder = tmp_path_factory.mktemp("docs")
    generate(folder / "data", customers=60, staff=8, products=10, interactions=3000, seed=5)
    result = audit(folder / "data")
    return result, write_audit_folder(result, folder / "audit")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_input_column_is_documented(table: str) -> None:
    documented = documented_columns(f"{table}.csv", "Input: a data folder")
    missing = set(TABLES[table].column_names) - documented
    assert not missing, f"{table}.csv columns missing from docs/data-contract.md: {missing}"


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_every_column_of_a_real_audit_is_documented(
    table: str, real_audit: tuple[Audit, Path]
) -> None:
    result, folder = real_audit
    header = (folder / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(getattr(result, table).columns)
    missing = set(header) - documented_columns(f"{table}.csv")
    assert not missing, f"{table}.csv columns missing from docs/data-contract.md: {missing}"


def test_every_file_and_summary_key_of_a_real_audit_is_documented(
    real_audit: tuple[Audit, Path],
) -> None:
    result, folder = real_audit
    for path in folder.iterdir():
        assert f"`{path.name}`" in CONTRACT or f"[{path.name}]" in CONTRACT, path.name
    missing = set(result.summary) - documented_columns("summary.json")
    assert not missing, f"summary.json keys missing from docs/data-contract.md: {missing}"
    trajectories = (folder / "trajectories.csv").read_text(encoding="utf-8").splitlines()[0]
    assert trajectories.split(",")[0] == "customer_id"
    assert len(trajectories.split(",")) == 1 + result.config.snapshots


def test_rejects_and_compare_columns_are_documented() -> None:
    assert documented_columns("rejects.csv") == set(PROBLEM_COLUMNS)
    assert documented_columns("compare.csv", "Output: a comparison") == set(CHANGE_COLUMNS)


def test_every_column_of_the_staff_overview_is_documented(
    real_audit: tuple[Audit, Path],
) -> None:
    overview = portfolio_overview(real_audit[0])
    within = "Output: the staff overview"
    assert documented_columns("staff and teams", within) == set(TEAM_COLUMNS)
    assert documented_columns("links", within) == set(LINK_COLUMNS)
    for title, frame in (
        ("staff and teams", overview.staff),
        ("staff and teams", overview.teams),
        ("links", overview.links),
        ("accounts", overview.accounts),
    ):
        named = set(_CODE_SPAN.findall(section(CONTRACT, title, within).body))
        missing = set(frame.columns) - named
        assert not missing, (
            f"overview {title} columns missing from docs/data-contract.md: {missing}"
        )


def test_statuses_and_trends_are_documented() -> None:
    for label in (*STATUSES, *TRENDS):
        assert f"`{label}`" in CONTRACT, label


# --- errors ----------------------------------------------------------------------------------

TROUBLESHOOTING = read("troubleshooting.md")


def test_every_error_class_is_in_troubleshooting_with_its_exit_status() -> None:
    rows = {
        spans[0]: row[1]
        for row in table_rows(TROUBLESHOOTING)
        if (spans := _CODE_SPAN.findall(row[0]))
    }
    for name in graphdyn.errors.__all__:
        error = getattr(graphdyn.errors, name)
        if isinstance(error, type) and issubclass(error, Exception):
            assert name in rows, f"{name} missing from docs/troubleshooting.md"
            assert rows[name] == str(error.exit_code), name


INTERACTIONS = "interaction_id,timestamp,customer_id,channel"


@dataclass(frozen=True)
class Case:
    """A mistake a user can make, and the words of the message it gets."""

    name: str
    files: dict[str, bytes]
    args: tuple[str, ...]
    message: str
    status: int = 2


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


_OK = {
    "data/interactions.csv": _csv(INTERACTIONS, "i1,2024-01-01,c1,phone", "i2,2024-02-01,c1,phone")
}
CASES = [
    Case("no folder", {}, ("validate", "data"), "data folder not found"),
    Case(
        "no file",
        {"data/other.csv": b"x\n"},
        ("validate", "data"),
        "interactions.csv: file not found",
    ),
    Case(
        "missing column",
        {"data/interactions.csv": _csv("interaction_id,timestamp,customer_id", "i1,2024-01-01,c1")},
        ("validate", "data"),
        "required column missing (found: ",
    ),
    Case(
        "timestamp",
        {"data/interactions.csv": _csv(INTERACTIONS, "i1,yesterday,c1,phone")},
        ("validate", "data"),
        "not an ISO-8601 date or datetime (",
    ),
    Case(
        "channel",
        {"data/interactions.csv": _csv(INTERACTIONS, "i1,2024-01-01,c1,fax")},
        ("validate", "data"),
        "unknown channel; allowed: ",
    ),
    Case(
        "direction",
        {"data/interactions.csv": _csv(INTERACTIONS + ",direction", "i1,2024-01-01,c1,phone,up")},
        ("validate", "data"),
        "must be inbound or outbound (",
    ),
    Case(
        "sentiment",
        {"data/interactions.csv": _csv(INTERACTIONS + ",sentiment", "i1,2024-01-01,c1,phone,1.5")},
        ("validate", "data"),
        "outside [-1, 1]",
    ),
    Case(
        "duplicate",
        {
            "data/interactions.csv": _csv(
                INTERACTIONS, "i1,2024-01-01,c1,phone", "i1,2024-01-02,c1,phone"
            )
        },
        ("validate", "data"),
        "duplicate interaction_id, first on line",
    ),
    Case(
        "empty",
        {"data/interactions.csv": b""},
        ("validate", "data"),
        "empty file (no header, no rows)",
    ),
    Case(
        "semicolons",
        {"data/interactions.csv": _csv(INTERACTIONS.replace(",", ";"), "i1;2024-01-01;c1;phone")},
        ("validate", "data"),
        "wrong delimiter: the header is semicolon-separated",
    ),
    Case(
        "utf-16",
        {"data/interactions.csv": (INTERACTIONS + "\ni1,2024-01-01,c1,phone\n").encode("utf-16")},
        ("validate", "data"),
        "not UTF-8: the file is UTF-16 encoded; save it as UTF-8",
    ),
    Case(
        "ragged",
        {"data/interactions.csv": _csv(INTERACTIONS, "i1,2024-01-01,c1,phone,extra")},
        ("validate", "data"),
        "expected 4 fields, found 5",
    ),
    Case(
        "folder exists",
        {**_OK, "out/keep.txt": b"x"},
        ("audit", "data", "--out", "out"),
        "already exists; use --force to replace it",
    ),
    Case(
        "as-of before the data",
        _OK,
        ("audit", "data", "--out", "out", "--as-of", "2020-01-01"),
        "no interactions on or before the as-of date",
    ),
    Case(
        "bad as-of",
        _OK,
        ("audit", "data", "--out", "out", "--as-of", "tomorrow"),
        "--as-of: not an ISO-8601 date or datetime (tomorrow)",
    ),
    Case(
        "incomplete condition",
        _OK,
        ("audit", "data", "--out", "out", "--fail-on", "at_risk_share >"),
        "expected a number at the end",
    ),
    Case(
        "unknown figure",
        _OK,
        ("audit", "data", "--out", "out", "--fail-on", "churn>3"),
        "unknown figure 'churn'; known: ",
    ),
    Case(
        "weight syntax",
        _OK,
        ("audit", "data", "--out", "out", "--weight", "intensity"),
        "--weight: expected NAME=NUMBER (intensity)",
    ),
    Case(
        "unknown component",
        _OK,
        ("audit", "data", "--out", "out", "--weight", "foo=1"),
        "weights: unknown component 'foo'; components are intensity",
    ),
    Case(
        "negative half-life",
        _OK,
        ("audit", "data", "--out", "out", "--half-life", "-3"),
        "half_life_days: must be a positive number (-3.0)",
    ),
    Case(
        "unknown setting",
        {**_OK, "graphdyn.toml": b"half_life = 30\n"},
        ("audit", "data", "--out", "out", "--config", "graphdyn.toml"),
        "unknown setting 'half_life'; known settings: ",
    ),
    Case(
        "bad toml",
        {**_OK, "graphdyn.toml": b"half_life_days = [30\n"},
        ("audit", "data", "--out", "out", "--config", "graphdyn.toml"),
        "not valid TOML: ",
    ),
    Case(
        "no config file",
        _OK,
        ("audit", "data", "--out", "out", "--config", "none.toml"),
        "config file not found",
    ),
    Case(
        "unknown customer",
        _OK,
        ("explain", "data", "--customer", "C000042"),
        "no customer 'C000042' in the audit as of",
    ),
    Case(
        "an option of the network view with --overview",
        _OK,
        ("view", "data", "--overview", "--max-nodes", "9", "--out", "o.html"),
        "--max-nodes applies to the network view, not to --overview",
    ),
    Case(
        "an option of the overview without it",
        _OK,
        ("view", "data", "--top", "9", "--out", "o.html"),
        "--top applies to the staff overview: add --overview",
    ),
    Case(
        "not an audit folder",
        {**_OK, "old/x.txt": b"x"},
        ("compare", "old", "data"),
        "not an audit folder (no summary.json)",
    ),
    Case(
        "neither data nor audit",
        {**_OK, "old/x.txt": b"x"},
        ("explain", "old", "--customer", "c1"),
        "is neither a data folder (interactions.csv, interactions.parquet or interactions/) "
        "nor an audit "
        "folder (summary.json and ties.csv)",
    ),
    Case(
        "an audit explains itself only",
        {
            **_OK,
            "audit/ties.csv": b"customer_id,staff_id\n",
            "audit/summary.json": b'{"as_of": "2024-02-01T00:00:00Z", "parameters": {}}',
        },
        ("explain", "audit", "--customer", "c1", "--half-life", "30"),
        "was made with other parameters:",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_troubleshooting_shows_the_real_message(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, list(case.args))
    assert result.exit_code == case.status, result.output
    assert case.message in " ".join(result.stderr.split())
    assert case.message in TROUBLESHOOTING, f"docs/troubleshooting.md lacks {case.message!r}"


# --- links -----------------------------------------------------------------------------------


def _pages() -> list[Path]:
    return [*sorted(DOCS.glob("*.md")), REPO / "README.md"]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_links_lead_somewhere(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    masked = _FENCE.sub("", text)
    for target in _LINK.findall(masked):
        if re.match(r"[a-z]+:", target):
            continue  # an external address
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        assert linked.exists(), f"{page.name}: link to missing {file_part}"
        if anchor and linked.suffix == ".md":
            slugs = {s.slug for s in sections(linked.read_text(encoding="utf-8"))}
            assert anchor in slugs, f"{page.name}: no heading #{anchor} in {linked.name}"


def test_index_links_every_page() -> None:
    index = read("index.md")
    linked = {target.partition("#")[0] for target in _LINK.findall(index)}
    pages = {p.name for p in DOCS.glob("*.md")} - {"index.md"}
    expected = pages | {"neo4j.md", "validation.md"}
    assert expected <= linked, f"docs/index.md does not link {expected - linked}"


def test_every_packaged_query_is_in_the_neo4j_catalogue() -> None:
    catalogue = (DOCS / "neo4j.md").read_text(encoding="utf-8")
    missing = [name for name in canned_queries() if f"| `{name}` |" not in catalogue]
    assert missing == []
