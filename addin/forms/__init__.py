"""Declarative 自评表 forms, one TOML file per jurisdiction's layout (see addin.engine.forms)."""
