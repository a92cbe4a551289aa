"""The list of feature blueprints, registered by the factory."""

from __future__ import annotations

from flask import Flask


def register_all(app: Flask) -> None:
    """Register every feature blueprint on ``app``."""
    from admin.audit_log.views import bp as audit_bp
    from admin.auth.views import bp as auth_bp
    from admin.community.views import bp as community_bp
    from admin.content.views import bp as content_bp
    from admin.dashboards.views import bp as dashboards_bp
    from admin.exports.views import bp as exports_bp
    from admin.home import bp as home_bp
    from admin.kiosks.views import bp as kiosks_bp
    from admin.residents.views import bp as residents_bp
    from admin.roadshows.records import bp as roadshow_records_bp
    from admin.roadshows.views import bp as roadshows_bp
    from admin.store.views import bp as store_bp
    from admin.visits.views import bp as visits_bp

    for bp in (auth_bp, home_bp, residents_bp, roadshows_bp, dashboards_bp, store_bp, content_bp,
               exports_bp, kiosks_bp, audit_bp, roadshow_records_bp, community_bp, visits_bp):
        app.register_blueprint(bp)

    # The kiosk sync API: token-authenticated JSON, exempt from CSRF (registered after CSRFProtect).
    from admin.api import register as register_api

    register_api(app)
