"""Editing content, one save path for the admin, the spreadsheet import and hand edits."""
