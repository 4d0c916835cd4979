"""What Excel loads: the scoring engine (``addin.engine``, standard library only), the rule
profiles (``addin/profiles/*.toml``) and the Excel functions (``addin.udfs``)."""
