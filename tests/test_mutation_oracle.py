"""The mutation oracle (tests/mutations.py): real HAProxy judges one-word mistakes in
configurations it accepts, and the linter must report an error on the line HAProxy names (or
on the mutated line, when HAProxy names another one) for at least 95% of the mistakes HAProxy
refuses, class by class and version by version. Files HAProxy accepts must get no error.

Select the catch-rate test alone with ``pytest -k catch_rate`` (``-k mutation`` runs this whole
file). ``benchmarks/mutation_catch.py --show-misses`` lists what the linter misses.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from haproxy_lint import Settings, Severity, lint

from . import mutations as M
from .conftest import CORPUS, corpus_files, manifest, read_corpus

#: Committed: the same seed draws the same mutations on every run. The benchmark's defaults are
#: the same, so ``python3 benchmarks/mutation_catch.py --show-misses`` lists this test's misses.
SEED = 1
#: Mutations per class: enough for at least 30 HAProxy refusals per class and version, and the
#: whole file well under 90 s on two slow cores (each mutation: two ``haproxy -c``, two lints).
PER_CLASS = 60
VERSIONS = ("2.6", "2.8")
TARGET = 0.95
MIN_REFUSED = 30


@pytest.fixture(scope="module")
def binaries() -> dict[str, str]:
    try:
        return M.oracle_binaries(VERSIONS)
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def bases(binaries) -> dict[str, str]:
    return M.load_bases(binaries, ("2.6", "2.8"))


@pytest.fixture(scope="module")
def valid_words(binaries) -> frozenset[str]:
    return M.known_words(M.all_haproxy_words(binaries))


@pytest.fixture(scope="module")
def oracle(binaries, bases, valid_words):
    mutations = M.generate(bases, SEED, PER_CLASS, valid_words)
    results = M.run_oracle(bases, mutations, binaries, VERSIONS)
    return mutations, results


def _misses(results, limit: int = 40) -> str:
    lines = []
    for r in results:
        if r.refused and not r.caught:
            m = r.mutation
            lines.append(f"  [{r.version}] class {m.klass} {m.kind}: {m.base}:{r.expected_line}: "
                         f"{m.original!r} -> {m.new!r}: {r.alert}")
    more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def test_mutation_catch_rate_per_class(oracle):
    """At least 95% of the refused mutations of every class get an error on HAProxy's line."""
    _, results = oracle
    rows = M.summarize(results, VERSIONS)
    table = M.format_table(rows, VERSIONS)
    below = [f"class {k} at {v}: {row.caught}/{row.refused}" for (k, v), row in sorted(rows.items())
             if row.refused and row.rate < TARGET]
    crashes = sorted({f for r in results for f in r.findings if f.startswith("LintCrash")})
    crashed = f"\n\nthe linter crashed ({len(crashes)} distinct): {crashes[0][:300]}" if crashes else ""
    assert not below, (
        f"catch rate below {TARGET:.0%} for {', '.join(below)}\n\n{table}{crashed}\n\nmisses:\n{_misses(results)}\n\n"
        "python3 benchmarks/mutation_catch.py --show-misses lists them all"
    )


def test_mutation_sample_has_enough_refusals(oracle):
    """The sample is worth its threshold: every class has enough mutations HAProxy refuses."""
    _, results = oracle
    rows = M.summarize(results, VERSIONS)
    thin = [f"class {k} at {v}: {row.refused}" for (k, v), row in sorted(rows.items()) if row.refused < MIN_REFUSED]
    assert not thin, f"fewer than {MIN_REFUSED} refusals: {', '.join(thin)}\n\n{M.format_table(rows, VERSIONS)}"


def test_mutation_accepted_by_haproxy_never_counts(oracle):
    mutations, results = oracle
    assert len(results) == len(mutations) * len(VERSIONS)
    for r in results:
        if not r.refused:
            assert r.caught is None and r.alert is None
        else:
            assert r.caught in (True, False) and r.expected_line >= 1
    rows = M.summarize(results, VERSIONS)
    for (k, v), row in rows.items():
        refused = [r for r in results if r.mutation.klass == k and r.version == v and r.refused]
        assert row.refused == len(refused)
        assert row.caught == sum(1 for r in refused if r.caught)


def test_mutations_are_reproducible_and_touch_one_word():
    """The same seed gives the same mutations; every mutated text differs from its base only
    in the mutated span; another seed gives other mutations."""
    rows = manifest()
    names = sorted(n for n, row in rows.items() if row["haproxy26"] in ("ok", "warn"))
    bases = {n: read_corpus(CORPUS / n) for n in names}
    valid = M.known_words()
    first = M.generate(bases, SEED, 20, valid)
    second = M.generate(bases, SEED, 20, valid)
    assert [(m.key, m.original, m.new, m.text) for m in first] == [(m.key, m.original, m.new, m.text) for m in second]
    other = M.generate(bases, SEED + 1, 20, valid)
    assert [m.key for m in other] != [m.key for m in first]
    assert {m.klass for m in first} == set(M.CLASSES)
    for m in first:
        base = bases[m.base]
        assert m.text == base[: m.start] + m.replacement + base[m.end:]
        assert m.base_text == base
        assert m.text != base
        assert 1 <= m.line <= base.count("\n") + 1


def _accepted_corpus(binary: str, version: str) -> list[Path]:
    rows = manifest()
    column = f"haproxy{version.replace('.', '')}"
    paths = [p for p in corpus_files() if rows.get(p.name, {}).get(column, "").split(":")[0] in ("ok", "warn")]
    accepted = []
    with tempfile.TemporaryDirectory(prefix="accepted-corpus-") as folder:
        for i, path in enumerate(paths):
            if M.check_text(binary, read_corpus(path), Path(folder), f"corpus{i}.cfg", cache=True).accepted:
                accepted.append(path)
    return accepted


@pytest.mark.parametrize("version", VERSIONS)
def test_no_false_error_on_corpus_files_haproxy_accepts(version, binaries):
    """A file real HAProxy accepts gets no error-severity diagnostic at that target version."""
    accepted = _accepted_corpus(binaries[version], version)
    assert len(accepted) >= 60, f"only {len(accepted)} corpus files accepted by HAProxy {version}"
    offenders = []
    for path in accepted:
        try:
            diags = lint(read_corpus(path), Settings(target_version=version), path=path.name)
        except Exception as error:  # noqa: BLE001 - a crash is an offender too
            offenders.append(f"{path.name}: lint raised {type(error).__name__}: {error}")
            continue
        for d in diags:
            if d.severity == Severity.ERROR:
                offenders.append(f"{path.name}:{d.line}:{d.column}: {d.code} {d.message}")
    assert not offenders, f"{len(offenders)} errors on files HAProxy {version} accepts:\n" + "\n".join(offenders)
