"""Pure statistics for wijkradar: detectors, the demo-data generator and calendar helpers.

Nothing in this package opens a file, a database or a network connection: every function
takes arrays or DataFrames and returns DataFrames, so it runs in milliseconds in a test or
a notebook.
"""
