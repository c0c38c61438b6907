"""Ledger (工作台账) import in three layers: read (file → rows), validate (rows → a draft with
every error named), write (draft → database in one transaction)."""
