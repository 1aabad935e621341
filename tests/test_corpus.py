"""The real-world corpus (../shared/corpus): every file lints without a crash, the rule hits per
file are a reviewed regression table, fixing is idempotent, and real HAProxy still accepts
every file it accepted before ``--fix`` (and ``--fix --unsafe-fixes``)."""

from __future__ import annotations

from collections import Counter

import pytest

from haproxy_lint import ParseError, Settings, fix, lint, parse

from .conftest import corpus_files, haproxy_binaries, haproxy_check, read_corpus

FILES = corpus_files()
#: The opt-in rules too, so that the hit table covers every rule.
EVERY_RULE = Settings(select=["ALL"])


def _config(path):
    return parse(read_corpus(path), path.name, strict=False)


@pytest.fixture(scope="module")
def results():
    """Diagnostics per corpus file (None for a file that does not parse)."""
    out = {}
    for path in FILES:
        config = _config(path)
        out[path.name] = None if config.errors else lint(config, EVERY_RULE)
    return out


def test_every_file_lints_without_a_crash(results):
    unparsable = sorted(name for name, diags in results.items() if diags is None)
    # Only the Perl script that generates a configuration is not one (an unclosed quote).
    assert unparsable == ["frobware-haproxy-hacks-BZ2007581_compare-balance-algorithms_generate-haproxy-config.pl"]
    with pytest.raises(ParseError):
        lint(read_corpus(next(p for p in FILES if p.name == unparsable[0])))


def test_rule_hits_per_file(results, data_regression):
    """A rule that suddenly fires on every real configuration shows up here in review."""
    table = {
        name: dict(sorted(Counter(d.code for d in diags).items())) if diags is not None else "does not parse"
        for name, diags in sorted(results.items())
    }
    totals = Counter(code for diags in results.values() if diags for code in (d.code for d in diags))
    files_hit = Counter(code for diags in results.values() if diags for code in {d.code for d in diags})
    data_regression.check(
        {
            "files_hit_per_rule": dict(sorted(files_hit.items())),
            "hits_per_rule": dict(sorted(totals.items())),
            "per_file": table,
        }
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixing_is_idempotent_and_keeps_the_file_parsing(path):
    config = _config(path)
    if config.errors:
        pytest.skip("not a configuration")
    for unsafe in (False, True):
        result = fix(config, unsafe=unsafe)
        assert not result.broken
        again = fix(result.text, unsafe=unsafe, path=path.name)
        assert again.text == result.text, f"fixing twice changed {path.name} again (unsafe={unsafe})"
        assert not again.applied


def _accepted(binary, path) -> bool:
    return haproxy_check(binary, path).returncode == 0


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_haproxy_still_accepts_every_file_it_accepted_before_fixing(version, tmp_path):
    binaries = haproxy_binaries()
    if version not in binaries:
        pytest.fail(f"HAProxy {version} is not installed (.ci/run installs 2.6; the test extras the 2.8 wheel)")
    binary = binaries[version]
    settings = Settings(target_version=version)
    checked = 0
    broken: list[str] = []
    for path in FILES:
        config = _config(path)
        if config.errors:
            continue
        original = tmp_path / path.name
        original.write_text(config.to_text())
        if not _accepted(binary, original):
            continue  # refused before (missing certificates, maps, unfilled test macros...)
        checked += 1
        for unsafe in (False, True):
            fixed_text = fix(config, settings, unsafe=unsafe).text
            if fixed_text == config.to_text():
                continue
            fixed = tmp_path / f"fixed-{path.name}"
            fixed.write_text(fixed_text)
            result = haproxy_check(binary, fixed)
            if result.returncode != 0:
                broken.append(f"{path.name} (unsafe={unsafe}): {result.stdout.strip()[-300:]}")
    assert checked >= 60, f"only {checked} corpus files were accepted by HAProxy {version} before fixing"
    assert broken == []
