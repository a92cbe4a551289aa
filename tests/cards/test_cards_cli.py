"""``safezone cards``: issue, print, verify, revoke — exit codes and nothing written half-way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pypdfium2 as pdfium
import pytest
import zxingcpp
from cards_support import MakeResident
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.cards import printing
from safezone.cards.codes import grouped
from safezone.cli.cards_cmd import cards
from safezone.cli.context import CliContext
from safezone.config import Settings
from safezone.models import AuditEntry, Card, CardStatus, Resident


@click.group()
@click.pass_context
def root(ctx: click.Context) -> None:
    """The root group's context object, without depending on the lead's registration."""
    ctx.obj = CliContext()


root.add_command(cards)


@pytest.fixture
def run(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Invoke ``cards ...`` against the test data folder; returns the click Result."""
    monkeypatch.chdir(tmp_path)  # no stray ./safezone.toml from the working directory
    env = {"SAFEZONE_DATA_DIR": str(settings.data_dir), "SAFEZONE_CONFIG": ""}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(root, ["cards", *args], env=env)

    return invoke


@pytest.fixture
def residents(database: Database, make_resident: MakeResident) -> Iterator[list[int]]:
    """Three committed residents: two in 1号地块5栋, one in 2号地块1栋. Returns their ids."""
    with database.sessions() as session:
        made = [
            make_resident(session, nickname="阿明", plot=1, building=5, room="0101"),
            make_resident(session, nickname="阿芳", plot=1, building=5, room="0102"),
            make_resident(session, nickname="老王", plot=2, building=1, room="0301"),
        ]
        session.commit()
        ids = [resident.id for resident in made]
    yield ids


def _card_count(database: Database, status: CardStatus | None = None) -> int:
    with database.sessions() as session:
        statement = select(func.count()).select_from(Card)
        if status is not None:
            statement = statement.where(Card.status == status)
        return session.scalar(statement) or 0


def _decode(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            barcode.text
            for page in document
            for barcode in zxingcpp.read_barcodes(page.render(scale=150 / 72).to_pil())
        ]
    finally:
        document.close()


def _shown_code(output: str) -> str:
    match = re.search(r"not stored\): ((?:[A-Z0-9]{4} ?){4})", output)
    assert match, output
    return match.group(1).strip()


def test_help_for_every_command(run) -> None:
    for command in ([], ["issue"], ["print"], ["verify"], ["revoke"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output


def test_issue_shows_the_code_once_and_verify_finds_it(
    run, residents: list[int], database: Database
) -> None:
    result = run("issue", "--resident", str(residents[0]))
    assert result.exit_code == 0, result.output
    assert "阿明" in result.output and "1号地块5栋2单元" in result.output
    code = _shown_code(result.output)

    verified = run("verify", code.lower())
    assert verified.exit_code == 0, verified.output
    assert f"resident {residents[0]}" in verified.output and "阿明" in verified.output
    assert "1号地块5栋2单元" in verified.output
    with database.sessions() as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
        assert (entry.action, entry.actor_label) == ("card.issue", "cli")


def test_issue_to_pdf(run, residents: list[int], tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    result = run("issue", "--resident", str(residents[2]), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "not stored" not in result.output
    (code,) = _decode(out)
    verified = run("verify", code)
    assert verified.exit_code == 0 and "老王" in verified.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_issue_errors(run, residents: list[int], database: Database, tmp_path: Path) -> None:
    result = run("issue", "--resident", "9999")
    assert result.exit_code == 1 and "no resident with id 9999" in result.output
    missing = tmp_path / "nowhere" / "x.pdf"
    result = run("issue", "--resident", str(residents[0]), "--out", str(missing))
    assert result.exit_code == 1 and "does not exist" in result.output
    assert run("issue").exit_code == 2
    assert run("issue", "--resident", "abc").exit_code == 2
    assert _card_count(database) == 0


def test_print_new_cards_then_reissue(
    run, residents: list[int], database: Database, tmp_path: Path
) -> None:
    first = run("issue", "--resident", str(residents[1]))
    old_code = _shown_code(first.output)

    out = tmp_path / "sheet.pdf"
    result = run("print", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "printed 2 cards on 2 pages " in result.output
    printed = _decode(out)
    assert len(printed) == 2
    holders = set()
    for code in printed:
        verified = run("verify", code)
        assert verified.exit_code == 0, verified.output
        holders.add(verified.output.split("·")[2].strip())
    assert holders == {"阿明", "老王"}
    assert run("verify", old_code).exit_code == 0  # untouched: it already had a card

    nothing = run("print", "--out", str(tmp_path / "again.pdf"))
    assert nothing.exit_code == 1 and "--reissue" in nothing.output
    assert not (tmp_path / "again.pdf").exists()

    again = run("print", "--out", str(out), "--reissue")
    assert again.exit_code == 0, again.output
    assert "printed 3 cards" in again.output
    assert _card_count(database, CardStatus.ACTIVE) == 3
    assert _card_count(database, CardStatus.REVOKED) == 3
    revoked = run("verify", old_code)
    assert revoked.exit_code == 1 and "revoked" in revoked.output and "reissued" in revoked.output
    assert all(run("verify", code).exit_code == 0 for code in _decode(out))


def test_print_scope_options(run, residents: list[int], database: Database, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    result = run("print", "--out", str(out), "--building", "1-5", "--limit", "1")
    assert result.exit_code == 0, result.output
    (code,) = _decode(out)
    assert "阿明" in run("verify", code).output

    result = run("print", "--out", str(out), "--building", "1-5")
    assert result.exit_code == 0 and "printed 1 card " in result.output
    assert "阿芳" in run("verify", _decode(out)[0]).output

    unknown = run("print", "--out", str(out), "--building", "9-9")
    assert unknown.exit_code == 1 and "no building 9-9" in unknown.output
    for bad in (["--building", "east"], ["--limit", "0"], ["--limit", "x"], []):
        args = ["print", *bad] if bad else ["print"]
        if bad:
            args += ["--out", str(out)]
        assert run(*args).exit_code == 2, args
    assert _card_count(database) == 2


def test_print_by_building_id(run, residents: list[int], database: Database, tmp_path: Path):
    with database.sessions() as session:
        building_id = session.get(Resident, residents[2]).household.building_id
    out = tmp_path / "c.pdf"
    result = run("print", "--out", str(out), "--building", str(building_id))
    assert result.exit_code == 0, result.output
    assert "老王" in run("verify", _decode(out)[0]).output


def test_a_failed_write_issues_nothing(
    run,
    residents: list[int],
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"yesterday's sheet")

    def full_disk(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(printing, "write_card_sheets", full_disk)
    result = run("print", "--out", str(out))
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert _card_count(database) == 0
    with database.sessions() as session:
        assert session.scalars(select(AuditEntry)).all() == []
    assert out.read_bytes() == b"yesterday's sheet"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    missing = run("print", "--out", str(tmp_path / "no" / "x.pdf"))
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert _card_count(database) == 0


def test_a_failed_commit_leaves_no_pdf(
    run,
    residents: list[int],
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(Session, "commit", refuse)
    out = tmp_path / "sheet.pdf"
    result = run("print", "--out", str(out))
    assert result.exit_code == 1 and "database is locked" in result.output
    monkeypatch.undo()
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.suffix in {".pdf", ".pending", ".partial"}] == []
    assert _card_count(database) == 0


def test_verify_reasons(run, residents: list[int]) -> None:
    code = _shown_code(run("issue", "--resident", str(residents[0])).output).replace(" ", "")
    tampered = code[:6] + ("A" if code[6] != "A" else "B") + code[7:]
    cases = {
        "https://example.com": ("character", "not a safezone card code"),
        code[:10]: ("length", "has 10 characters, expected 16"),
        tampered: ("checksum", "check character does not match"),
        "SZ2222222222222P": ("unknown", "no card with this code was issued"),
        " ": ("empty", "no card code given"),
    }
    for raw, (reason, detail) in cases.items():
        result = run("verify", raw)
        assert result.exit_code == 1, (raw, result.output)
        assert result.output.startswith(f"Error: {reason}: "), result.output
        assert detail in result.output
    assert run("verify").exit_code == 2
    assert run("verify", grouped(code)).exit_code == 0


def test_revoke(run, residents: list[int], database: Database) -> None:
    code = _shown_code(run("issue", "--resident", str(residents[0])).output)
    result = run("revoke", "--resident", str(residents[0]), "--reason", "丢失")
    assert result.exit_code == 0, result.output
    verified = run("verify", code)
    assert verified.exit_code == 1 and "revoked" in verified.output and "丢失" in verified.output

    again = run("revoke", "--resident", str(residents[0]))
    assert again.exit_code == 1 and "no active card" in again.output
    assert run("revoke", "--resident", "9999").exit_code == 1
    assert run("revoke").exit_code == 2

    code = _shown_code(run("issue", "--resident", str(residents[1])).output)
    blank = run("revoke", "--resident", str(residents[1]), "--reason", "  ")
    assert blank.exit_code == 1 and "reason is required" in blank.output
    assert run("verify", code).exit_code == 0


def test_outdated_database_is_a_user_error(run, settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    result = run("verify", "SZ2222222222222P")
    assert result.exit_code == 1 and "safezone init" in result.output
