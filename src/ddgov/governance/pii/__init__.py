"""Thai PII detection for free text and for table columns (issue 4, item 4).

``pii_text_scan`` finds citizen IDs, phones, e-mails, names, addresses, plates, bank accounts and
dates of birth in a line of text; ``pii_table_scan`` decides per column of a CSV/XLSX/Parquet file
whether it holds PII (header names and sampled values) and whether it is PDPA s.26 sensitive;
``pii_testset_evaluate`` measures precision and recall on the labelled Thai test set.
"""
