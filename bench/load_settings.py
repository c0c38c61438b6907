"""Production settings for bench_load.py, but for the static files' storage: the manifest
storage cannot collect the vendored bootstrap as it stands (its bundle names a source map
that is not vendored), and the dashboards' own speed does not depend on it."""

from portal.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedStaticFilesStorage"  # noqa: F405
