"""The PWE platform: a Flask application built by create_app."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    from pwe import settings

    instance_path = settings.BY_NAME["PWE_INSTANCE_PATH"].value(os.environ)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from pwe import config

    app.config.update(config.DEFAULTS)
    if test_config is None:
        app.config.update(config.from_environment(app.instance_path))
    else:
        app.config.update(test_config)

    from pwe.extensions import csrf, db

    db.init_app(app)
    csrf.init_app(app)

    from pwe import errors, health, i18n, limits, logs, metrics, security, templating, unavailable
    from pwe.citizens import bp as citizens
    from pwe.officials import bp as officials
    from pwe.services import pruning

    logs.init_app(app)
    metrics.init_app(app)  # first, so the latency includes every other hook
    i18n.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    errors.init_app(app)
    pruning.init_app(app)
    unavailable.init_app(app)
    health.init_app(app)
    app.register_blueprint(citizens)
    app.register_blueprint(officials)
    return app
