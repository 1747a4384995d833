import base64
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.crypto import DecryptionError, FieldCipher
from core.settings import SettingsError, load_settings
from qingshou.cli import app


def test_defaults_are_local_sqlite_under_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.environment == "local"
    assert settings.sqlalchemy_url == "sqlite:///var/qingshou.db"
    assert not settings.model_configured


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("QINGSHOU_DATABASE_URL", "mysql://x", "QINGSHOU_DATABASE_URL"),
        ("QINGSHOU_LLM_BASE_URL", "sglang:30000", "QINGSHOU_LLM_BASE_URL"),
        ("QINGSHOU_API_KEYS", "abcdefghijklmnopq:janitor", "QINGSHOU_API_KEYS"),
        ("QINGSHOU_API_KEYS", "short:qa", "QINGSHOU_API_KEYS"),
        ("QINGSHOU_DATA_KEY", base64.b64encode(b"too short").decode(), "QINGSHOU_DATA_KEY"),
        ("QINGSHOU_LLM_TIMEOUT_S", "-1", "QINGSHOU_LLM_TIMEOUT_S"),
        ("QINGSHOU_ENVIRONMENT", "prod", "QINGSHOU_ENVIRONMENT"),
    ],
)
def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str, needle: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=needle):
        load_settings()


def test_production_refuses_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QINGSHOU_ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match="QINGSHOU_DATA_KEY must be set"):
        load_settings()


def test_cli_exits_2_on_bad_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("QINGSHOU_DATABASE_URL", "oracle://nope")
    result = CliRunner().invoke(app, ["workflow", "run", "C000001"])
    assert result.exit_code != 0
    assert isinstance(result.exception, SettingsError)
    assert "QINGSHOU_DATABASE_URL" in str(result.exception)


def test_generated_local_keys_persist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(tmp_path))
    first = load_settings()
    keys = first.api_key_roles()
    assert sorted(keys.values()) == ["collector", "compliance", "qa", "supervisor", "system"]
    assert load_settings().api_key_roles() == keys
    assert first.data_key_bytes() == load_settings().data_key_bytes()
    assert (tmp_path / "data.key").stat().st_mode & 0o077 == 0


def test_cipher_round_trip_and_column_binding() -> None:
    cipher = FieldCipher(b"k" * 32)
    blob = cipher.encrypt("张三", "debtors.name_enc")
    assert b"\xe5\xbc\xa0" not in blob  # no plaintext bytes of 张
    assert cipher.decrypt(blob, "debtors.name_enc") == "张三"
    with pytest.raises(DecryptionError):
        cipher.decrypt(blob, "debtors.address_enc")
    with pytest.raises(DecryptionError):
        FieldCipher(b"j" * 32).decrypt(blob, "debtors.name_enc")
    assert cipher.encrypt("张三", "x") != cipher.encrypt("张三", "x")
    assert cipher.lookup_hash("138 0013 8000") == cipher.lookup_hash("13800138000")


def test_api_keys_may_bind_a_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QINGSHOU_API_KEYS", "abcdefghijklmnop01:collector@bank-a,abcdefghijklmnop02:qa")
    settings = load_settings()
    assert settings.api_key_roles() == {"abcdefghijklmnop01": "collector", "abcdefghijklmnop02": "qa"}
    assert settings.api_key_tenants() == {"abcdefghijklmnop01": "bank-a"}
    monkeypatch.setenv("QINGSHOU_API_KEYS", "abcdefghijklmnop01:collector@bad tenant!")
    with pytest.raises(SettingsError, match="QINGSHOU_API_KEYS"):
        load_settings()
