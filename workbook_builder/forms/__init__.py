"""Writing workbooks: the 自评表 template laid out like the official form, one or a batch."""
