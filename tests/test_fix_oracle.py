"""Real HAProxy judges the fixes: a fixture it accepted before its fix it must still accept
after it, and the fixtures it refused only because of the fixed hazard it must now accept."""

from __future__ import annotations

import shutil

import pytest

from haproxy_lint import Settings, all_rules, fix

from .conftest import RULE_FIXTURES, haproxy_binaries, haproxy_check
from .test_rules import settings_for

FIXABLE = {rule.code for rule in all_rules() if rule.fixable}
FIXTURES = sorted(p for p in RULE_FIXTURES.glob("*/bad*.cfg") if p.parent.name in FIXABLE)

#: (fixture, HAProxy version): refused as written, for the hazard its rule fixes alone.
REFUSED_ONLY_FOR_THE_HAZARD = [
    ("HL102/bad.cfg", "2.8"),
    ("HL106/bad.cfg", "2.6"),
    ("HL106/bad.cfg", "2.8"),
    ("HL601/bad.cfg", "2.6"),
    ("HL602/bad.cfg", "2.6"),
    ("HL603/bad.cfg", "2.6"),
    ("HL604/bad.cfg", "2.6"),
    ("HL607/bad.cfg", "2.6"),
]


def _binary(version: str) -> str:
    binaries = haproxy_binaries()
    if version not in binaries:
        pytest.fail(f"HAProxy {version} is not installed (.ci/run installs 2.6; the test extras the 2.8 wheel)")
    return binaries[version]


def _check(binary: str, text: str, folder, name: str):
    path = folder / name
    path.write_text(text)
    return haproxy_check(binary, path)


@pytest.mark.parametrize("version", ["2.6", "2.8"])
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_fix_never_breaks_a_config_haproxy_accepted(fixture, version, tmp_path):
    binary = _binary(version)
    text = fixture.read_text(encoding="utf-8")
    before = _check(binary, text, tmp_path, "before.cfg")
    if before.returncode != 0:
        pytest.skip(f"HAProxy {version} refuses the fixture as written: {before.stdout.strip()[-200:]}")
    settings = settings_for(fixture, text).model_copy(update={"target_version": version})
    for unsafe in (False, True):
        fixed = fix(text, settings, unsafe=unsafe).text
        after = _check(binary, fixed, tmp_path, "after.cfg")
        assert after.returncode == 0, f"unsafe={unsafe}: {after.stdout}{after.stderr}"


@pytest.mark.parametrize("name, version", REFUSED_ONLY_FOR_THE_HAZARD)
def test_the_fix_makes_a_refused_config_valid(name, version, tmp_path):
    binary = _binary(version)
    fixture = RULE_FIXTURES / name
    text = fixture.read_text(encoding="utf-8")
    before = _check(binary, text, tmp_path, "before.cfg")
    assert before.returncode != 0, f"HAProxy {version} accepts {name} as written: the fixture shows no refusal"
    settings = Settings(select=[fixture.parent.name], target_version=version)
    fixed = fix(text, settings).text  # safe fixes only: these are the catalogue's safe rewrites
    after = _check(binary, fixed, tmp_path, "after.cfg")
    assert after.returncode == 0, after.stdout + after.stderr


def test_the_haproxy_binaries_are_the_expected_versions():
    for version, binary in haproxy_binaries().items():
        import subprocess

        banner = subprocess.run([binary, "-v"], capture_output=True, text=True).stdout
        assert f"version {version}." in banner, banner
    assert shutil.which("haproxy") or "2.6" in haproxy_binaries()
