"""Published addresses never break: the registry fails the build unless a redirect is declared."""
from __future__ import annotations

from pathlib import Path

import pytest

from macros.kb import KB_DIR, KbError, load_kb
from macros.kb.addresses import published_addresses, read_registry

OLD, NEW = "referred-pain-missed", "referred-pain-overlooked"


def rename_id(kb_dir: Path, old: str, new: str) -> None:
    """Rename an id everywhere in a KB copy, as an author would with search and replace."""
    for path in kb_dir.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_registry_lists_every_address_the_site_publishes():
    registered = {address for _line, address in read_registry(KB_DIR)}
    missing = sorted(published_addresses(load_kb()) - registered)
    assert missing == [], "new addresses are not registered: run `make addresses` and commit kb/addresses.txt"


def test_every_registered_address_still_resolves():
    load_kb()  # raises KbError naming the registry line of any address that no longer resolves


def test_renaming_an_entry_without_a_redirect_fails_at_the_registry_line(kb_copy):
    rename_id(kb_copy, OLD, NEW)
    lines = {address: n for n, address in read_registry(kb_copy)}
    with pytest.raises(KbError) as caught:
        load_kb(kb_copy)
    address = f"causes/incorrect-diagnosis/#{OLD}"
    assert (f"kb/addresses.txt:{lines[address]}: published address '{address}' no longer exists: keep its id, "
            "or declare a redirect for it in kb/redirects.yaml") in str(caught.value).splitlines()


def test_a_declared_redirect_keeps_the_old_address_valid(kb_copy):
    rename_id(kb_copy, OLD, NEW)
    (kb_copy / "redirects.yaml").write_text(
        "# yaml-language-server: $schema=schema/redirects.schema.json\n"
        f"- from: causes/incorrect-diagnosis/#{OLD}\n  to: {NEW}\n"
        f"- from: checklist/#{OLD}-check\n  to: {NEW}-check\n", encoding="utf-8")
    kb = load_kb(kb_copy)
    assert [(r.source, r.target.id) for r in kb.redirects] == [
        (f"causes/incorrect-diagnosis/#{OLD}", NEW), (f"checklist/#{OLD}-check", f"{NEW}-check")]


def test_a_page_redirect_covers_the_anchors_that_moved_with_it(kb_copy):
    (kb_copy / "causes" / "incorrect-diagnosis.yaml").rename(kb_copy / "causes" / "wrong-diagnosis.yaml")
    rename_id(kb_copy, "incorrect-diagnosis", "wrong-diagnosis")
    (kb_copy / "redirects.yaml").write_text(
        "- from: causes/incorrect-diagnosis/\n  to: wrong-diagnosis\n", encoding="utf-8")
    kb = load_kb(kb_copy)
    assert kb.redirects[0].target.id == "wrong-diagnosis"


def test_a_redirect_cannot_take_over_a_live_address(kb_copy):
    (kb_copy / "redirects.yaml").write_text("- from: faq/#how-long-to-wait\n  to: onset-takes-time\n", encoding="utf-8")
    with pytest.raises(KbError) as caught:
        load_kb(kb_copy)
    assert ("kb/redirects.yaml:1: redirect from 'faq/#how-long-to-wait': that address is still published, "
            "so it cannot move") in str(caught.value)


def test_a_redirect_to_an_unknown_entry_names_its_line(kb_copy):
    (kb_copy / "redirects.yaml").write_text("- from: faq/#gone\n  to: nowhere-at-all\n", encoding="utf-8")
    with pytest.raises(KbError) as caught:
        load_kb(kb_copy)
    assert "kb/redirects.yaml:2: redirect to 'nowhere-at-all': no entry has that id" in str(caught.value)
