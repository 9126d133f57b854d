"""tumbuh.growth is a pure NumPy library: importing it pulls in neither Django nor pandas."""

import subprocess
import sys


def test_it_imports_without_django_or_pandas():
    code = (
        "import sys, tumbuh.growth as g; "
        "g.anthro_zscores(1, 100, weight_kg=6.0); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'pandas')); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, f"growth imported: {proc.stdout}{proc.stderr}"


def test_no_module_of_the_package_mentions_django():
    from importlib import resources

    pkg = resources.files("tumbuh.growth")
    for path in pkg.iterdir():
        if path.name.endswith(".py"):
            text = path.read_text("utf-8")
            assert "import django" not in text and "from django" not in text, path.name
