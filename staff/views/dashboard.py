"""The dashboard: charts of conversations, crisis events, talk, referrals and what was not understood.

Numbers come from staff/stats.py (a few GROUP BY queries over the period), the charts from
staff/charts.py (SVG drawn here, no script); each chart has its numbers in a table under it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from markupsafe import Markup

from staff import audit, auth, charts, stats
from staff.db import engine

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@auth.require("read")
def index() -> Any:
    days = stats.period(request.args.get("days", stats.DEFAULT_DAYS))
    with engine().connect() as conn:
        dash = stats.build(conn, days)
    svgs = {chart.key: Markup(charts.render(chart)) for chart in dash.charts}  # every label escaped in charts.py
    audit.record("view_dashboard", days=days)
    return render_template("dashboard.html", dash=dash, svgs=svgs, periods=stats.PERIODS, number=charts.number)
