"""Configuration values from the environment, or from a file named by `<NAME>_FILE`.

Secrets (the Django secret key, database URLs with passwords, service tokens, mail
passwords) should not sit in an environment variable that every child process and every
`ps e` can read: containers and systemd mount them as files instead (compose `secrets:`,
systemd `LoadCredential=`). Every service (core, ai, realtime, scripts/serve.py) reads them
through this one function, so `X_FILE` works the same everywhere.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DEV_ENVIRONMENTS = frozenset({"dev", "test"})


class ConfigError(RuntimeError):
    """A configuration value is missing, unreadable or unsafe; the message is one line for the operator."""


def env_value(name: str, default: str = "") -> str:
    """`$NAME`, else the stripped content of the file at `$NAME_FILE`, else `default`.

    Setting both is refused: which one wins would be a guess.
    """
    direct = os.environ.get(name)
    file_path = os.environ.get(f"{name}_FILE")
    if direct is not None and file_path:
        raise ConfigError(f"{name} and {name}_FILE are both set; set only one")
    if direct is not None:
        return direct
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_path} cannot be read: {exc.strerror}") from exc
    return default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: float) -> float:
    """A number from `$NAME`, refused in one line when it is not one."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None


def runtime_env() -> str:
    """FRONTLINE_ENV: `production` unless a developer or the tests say `dev` or `test`."""
    return os.environ.get("FRONTLINE_ENV", "production")


def is_dev_or_test() -> bool:
    """Dev and test may invent local secrets; production must be told every one."""
    return runtime_env() in DEV_ENVIRONMENTS


def data_dir() -> Path:
    """Where every service keeps its local files (FRONTLINE_DATA_DIR, default `.data/` in the repo)."""
    return Path(os.environ.get("FRONTLINE_DATA_DIR", REPO_DIR / ".data")).resolve()


def check_secret_key(key: str) -> None:
    """Refuse a key Django's deploy check would call weak (short, repetitive, or the insecure default)."""
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ConfigError(
            "FRONTLINE_SECRET_KEY is too weak: use at least 50 random characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )


def dev_secret(name: str, *, nbytes: int = 32) -> str:
    """A secret for dev and test only, generated once into the data folder, so the processes
    of one `make run` (core, workers, ai, realtime) agree on it without configuration.

    Written aside then hard-linked into place: two processes starting together agree on one.
    """
    folder = data_dir()
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".{name}.{os.getpid()}")
        spare.write_text(secrets.token_urlsafe(nbytes))
        spare.chmod(0o600)
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return path.read_text().strip()
