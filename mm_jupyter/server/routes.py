"""The route table of the REST API under ``{base_url}mm-jupyter/api/``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from mm_jupyter.server.artifacts import (
    ArtifactDiffHandler,
    ArtifactsHandler,
    ArtifactVersionsHandler,
    LineageHandler,
)
from mm_jupyter.server.base import PATH_KEY, ROOT_DIR_KEY
from mm_jupyter.server.blobs import BlobHandler
from mm_jupyter.server.compare import CompareHandler
from mm_jupyter.server.diff import DiffHandler
from mm_jupyter.server.housekeeping import MetricDirectionsHandler, RunHousekeepingHandler
from mm_jupyter.server.meta import MetaHandler
from mm_jupyter.server.model_package import ModelCardHandler, ModelPackageHandler
from mm_jupyter.server.model_policies import (
    ModelApprovalsHandler,
    ModelChecksHandler,
    ModelPoliciesHandler,
)
from mm_jupyter.server.models import (
    ModelHandler,
    ModelsHandler,
    ModelTransitionHandler,
    ModelVersionHandler,
)
from mm_jupyter.server.monitoring import (
    AlertAcknowledgeHandler,
    AlertsHandler,
    MonitorAlertsHandler,
    MonitorBatchesHandler,
    MonitorHandler,
    MonitorSeriesHandler,
    MonitorsHandler,
)
from mm_jupyter.server.prometheus import MetricsHandler
from mm_jupyter.server.reports import RunReportHandler
from mm_jupyter.server.reproduce import RunCheckoutHandler, RunRerunHandler
from mm_jupyter.server.run_models import RunModelRegistrationHandler
from mm_jupyter.server.runs import (
    ChangesHandler,
    KeysHandler,
    RunHandler,
    RunsCsvHandler,
    RunsHandler,
)

API_PREFIX = ("mm-jupyter", "api")
SITE_PREFIX = ("mm-jupyter",)

# (path under the API prefix, handler). Ids are resolved by the store (exact match);
# anything under blobs/ reaches the handler so that a non-digest gets a clear 400.
# Artifact names may contain "/" (users name them after paths, "models/model.pkl"):
# the name group is greedy, so it runs up to the last "/versions"; tornado
# percent-decodes it. Model names likewise; tornado takes the first route that matches,
# so the version routes come before ``models/(.+)`` (which would match them too), and a
# name whose "/" is not encoded runs up to the last "/versions/{v}". Monitoring takes
# a model reference the same way: its sub-resources come before ``monitoring/(.+)``.
ROUTES = (
    ("meta", MetaHandler),
    ("runs", RunsHandler),
    ("runs.csv", RunsCsvHandler),  # the one route with a "." (which a regex takes too)
    ("runs/([^/]+)", RunHandler),
    ("runs/([^/]+)/reports/(.+)", RunReportHandler),
    ("runs/([^/]+)/register-model", RunModelRegistrationHandler),
    ("runs/([^/]+)/(update|archive|restore|delete|move)", RunHousekeepingHandler),
    ("runs/([^/]+)/rerun", RunRerunHandler),
    ("runs/([^/]+)/checkout", RunCheckoutHandler),
    ("keys", KeysHandler),
    ("metric-directions", MetricDirectionsHandler),
    ("changes", ChangesHandler),
    ("blobs/(.+)", BlobHandler),
    ("artifacts", ArtifactsHandler),
    ("artifacts/diff", ArtifactDiffHandler),
    ("artifacts/(.+)/versions", ArtifactVersionsHandler),
    ("lineage", LineageHandler),
    ("models", ModelsHandler),
    ("models/(.+)/versions/([^/]+)/transition", ModelTransitionHandler),
    ("models/(.+)/versions/([^/]+)/checks", ModelChecksHandler),
    ("models/(.+)/versions/([^/]+)/approvals", ModelApprovalsHandler),
    ("models/(.+)/versions/([^/]+)/card", ModelCardHandler),
    ("models/(.+)/versions/([^/]+)/package.zip", ModelPackageHandler),  # "." as in runs.csv
    ("models/(.+)/versions/([^/]+)", ModelVersionHandler),
    ("models/(.+)/policies", ModelPoliciesHandler),
    ("models/(.+)", ModelHandler),
    ("policies", ModelPoliciesHandler),  # the registry-wide defaults
    ("diff", DiffHandler),
    ("compare", CompareHandler),
    ("monitoring", MonitorsHandler),
    ("monitoring/(.+)/series", MonitorSeriesHandler),
    ("monitoring/(.+)/alerts", MonitorAlertsHandler),
    ("monitoring/(.+)/batches", MonitorBatchesHandler),
    ("monitoring/(.+)", MonitorHandler),
    ("alerts", AlertsHandler),
    ("alerts/([^/]+)/(acknowledge|unacknowledge)", AlertAcknowledgeHandler),
)

# Routes under ``{base_url}mm-jupyter/`` itself, outside the JSON API: the Prometheus
# exposition (a scrape config points at ``/mm-jupyter/metrics``).
SITE_ROUTES = (("metrics", MetricsHandler),)


def setup_handlers(server_app: Any) -> None:
    """Register the REST handlers on ``server_app``'s web app.

    The registry opens lazily on the first request: from the web-app setting
    ``mm_jupyter_registry_path`` when given, else by the location rule run in the
    server's ``root_dir``.
    """
    web_app = server_app.web_app
    settings = web_app.settings
    settings.setdefault(ROOT_DIR_KEY, getattr(server_app, "root_dir", None))
    settings.setdefault(PATH_KEY, None)
    base_url = settings.get("base_url", "/")
    handlers = [
        (url_path_join(base_url, *API_PREFIX, path) + "$", handler)
        for path, handler in ROUTES
    ] + [
        (url_path_join(base_url, *SITE_PREFIX, path) + "$", handler)
        for path, handler in SITE_ROUTES
    ]
    web_app.add_handlers(".*$", handlers)
