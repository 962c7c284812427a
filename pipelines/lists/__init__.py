"""The list stage: which flags go on a wijkteam's list, in its words, written as CSV, XLSX, HTML or a table.

``selection`` picks and ranks (pure frames), ``pipelines.wording`` gives the words per language, and one
writer per format (``csv_writer``, ``xlsx_writer``, ``html_writer``, ``table_writer``) renders the selected,
worded table with the chart data it is handed. No module here reads the warehouse: ``pipelines.export`` does.
"""
