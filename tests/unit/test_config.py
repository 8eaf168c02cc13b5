import pytest

import config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.ProductionConfig()


def test_production_refuses_to_start_without_a_base_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        config.ProductionConfig()


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("BASE_URL", "https://grants.example.org")
    production = config.ProductionConfig()
    assert production.SECRET_KEY == "s3cret-from-the-environment"
    assert production.SESSION_COOKIE_SECURE and production.REMEMBER_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY and production.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    "backend, bucket, refused", [("s3", None, "S3_BUCKET"), ("disk", "b", "STORAGE_BACKEND")]
)
def test_production_refuses_a_file_store_it_cannot_use(monkeypatch, backend, bucket, refused):
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("BASE_URL", "https://grants.example.org")
    monkeypatch.setattr(config.Config, "STORAGE_BACKEND", backend)
    monkeypatch.setattr(config.Config, "S3_BUCKET", bucket)
    with pytest.raises(RuntimeError, match=refused):
        config.ProductionConfig()
    monkeypatch.setattr(config.Config, "S3_BUCKET", "grants-files")
    monkeypatch.setattr(config.Config, "STORAGE_BACKEND", "s3")
    assert config.ProductionConfig().S3_BUCKET == "grants-files"
