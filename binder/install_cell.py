# Installs the book's library where it is missing (Colab, a fresh kernel);
# does nothing where rmtdyn is importable. RMTDYN_SOURCE overrides the source.
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("rmtdyn") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    os.environ.get("RMTDYN_SOURCE", "rmtdyn[chapters] @ git+https://"
                    "github.com/rmtdyn/dynamics-of-learning-book@v0.1.0")],
                   check=True)
