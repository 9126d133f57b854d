"""Batch tools for analysts: ``tumbuh zscore INPUT -o OUTPUT`` (see :mod:`tumbuh.batch.zscore`).

No Django here: the batch commands only need NumPy, pandas, pyarrow and openpyxl.
"""
