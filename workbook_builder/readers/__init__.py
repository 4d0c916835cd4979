"""Reading files: untrusted workbooks (safely, with calamine), the tables in them, project lists
and the parsed-table JSON."""
