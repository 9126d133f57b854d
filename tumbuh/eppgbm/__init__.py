"""e-PPGBM: import of its individual-level export with a column-mapping preview, row errors
and registry matching; export in the same layout.
"""
