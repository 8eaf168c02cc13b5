"""Call bundles: a whole call as JSON (schema: grants/data/call-bundle.schema.json), imported and
exported by the CLI and the export jobs. No Flask request here: callers commit or roll back."""

from grants.bundle.export import dumps, export_bundle
from grants.bundle.import_ import import_bundle
from grants.bundle.validate import BundleError, load, parse, problems

__all__ = ["BundleError", "dumps", "export_bundle", "import_bundle", "load", "parse", "problems"]
