"""tumbuh: software for a city's child-stunting reduction programme.

``tumbuh.growth`` is the Django-free numeric core; the rest of the package is a Django
project (settings, URLs and one app per domain). Importing this package imports nothing else,
so that the batch commands of ``tumbuh.cli`` stay fast.
"""
