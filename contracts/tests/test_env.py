"""The one configuration loader every service reads: values, files, numbers and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts import env


def test_value_comes_from_the_variable_or_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FRONTLINE_X", raising=False)
    assert env.env_value("FRONTLINE_X", "fallback") == "fallback"
    secret = tmp_path / "x"
    secret.write_text("from-file\n")
    monkeypatch.setenv("FRONTLINE_X_FILE", str(secret))
    assert env.env_value("FRONTLINE_X") == "from-file"
    monkeypatch.setenv("FRONTLINE_X", "direct")
    with pytest.raises(env.ConfigError, match="both set"):
        env.env_value("FRONTLINE_X")


def test_a_number_that_is_not_one_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTLINE_N", raising=False)
    assert env.env_number("FRONTLINE_N", 2.5) == 2.5
    monkeypatch.setenv("FRONTLINE_N", "7")
    assert env.env_number("FRONTLINE_N", 2.5) == 7.0
    monkeypatch.setenv("FRONTLINE_N", "seven")
    with pytest.raises(env.ConfigError, match="FRONTLINE_N='seven' is not a number"):
        env.env_number("FRONTLINE_N", 2.5)


@pytest.mark.parametrize(
    ("value", "dev"), [(None, False), ("production", False), ("dev", True), ("test", True)]
)
def test_only_dev_and_test_count_as_development(
    monkeypatch: pytest.MonkeyPatch, value: str | None, dev: bool
) -> None:
    if value is None:
        monkeypatch.delenv("FRONTLINE_ENV", raising=False)
    else:
        monkeypatch.setenv("FRONTLINE_ENV", value)
    assert env.is_dev_or_test() is dev
    assert env.runtime_env() == (value or "production")


def test_the_data_folder_defaults_to_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FRONTLINE_DATA_DIR", raising=False)
    assert env.data_dir() == (env.REPO_DIR / ".data").resolve()
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    assert env.data_dir() == tmp_path.resolve()


def test_a_dev_secret_is_made_once_and_shared(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    first = env.dev_secret("service-token")
    assert len(first) >= 40
    assert env.dev_secret("service-token") == first  # a second process reads the same file
    path = tmp_path / "data" / "service-token"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["service-token"]  # no spare left behind
    assert env.dev_secret("other") != first
