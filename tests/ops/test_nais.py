"""The NAIS manifest and alert rules agree with the app: the port it serves, the probe and
metrics paths it answers, the environment it reads, and the metrics it exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import parser
from bot.settings import Settings, nais_database_url
from tests.ops.test_metrics import scrape
from tests.support.flows import register

NAIS = Path(__file__).resolve().parents[2] / ".nais"
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def manifest(variables: str) -> dict[str, Any]:
    """app.yaml as nais/deploy renders it with a variables file (and the image the build pushed)."""
    values = {"image": "europe-north1-docker.pkg.dev/nais/avvik/avviksboten:1", **yaml.safe_load(
        (NAIS / variables).read_text())}

    def lookup(match: re.Match[str]) -> str:
        value: Any = values
        for part in match.group(1).split("."):
            value = value[part]
        return str(value)

    return yaml.safe_load(PLACEHOLDER.sub(lookup, (NAIS / "app.yaml").read_text()))


@pytest.fixture(params=["dev.yaml", "prod.yaml"])
def app(request: pytest.FixtureRequest) -> dict[str, Any]:
    return manifest(request.param)


def test_the_manifest_is_a_nais_application_with_two_replicas_and_postgres(app):
    assert (app["apiVersion"], app["kind"]) == ("nais.io/v1alpha1", "Application")
    spec = app["spec"]
    assert spec["replicas"]["min"] >= 2
    [instance] = spec["gcp"]["sqlInstances"]
    assert instance["type"] == "POSTGRES_15"
    assert [d["envVarPrefix"] for d in instance["databases"]] == ["DB"]
    assert {"host": "slack.com"} in spec["accessPolicy"]["outbound"]["external"]
    assert spec["resources"]["limits"]["memory"] == "512Mi"


def test_the_manifest_runs_serve_on_the_port_it_declares(app):
    spec = app["spec"]
    command = spec["command"]
    assert command[:2] == ["avvik-bot", "serve"]
    args = parser().parse_args(command[1:])
    assert args.port == spec["port"] == 3000
    assert args.host == "0.0.0.0"


def test_every_variable_the_manifest_sets_is_one_the_settings_read(app):
    read = {name.upper() for name in Settings.model_fields}
    assert {e["name"] for e in app["spec"]["env"]} <= read
    assert app["spec"]["envFrom"] == [{"secret": "avviksboten-slack"}]
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"} <= read
    office_config = next(e["value"] for e in app["spec"]["env"] if e["name"] == "AVVIK_OFFICE_CONFIG")
    assert Path(office_config).parent == Path(app["spec"]["filesFrom"][0]["mountPath"])


def test_the_cloud_sql_variables_become_the_database_url():
    nais = {"DB_HOST": "10.1.2.3", "DB_PORT": "5432", "DB_DATABASE": "avviksboten", "DB_USERNAME": "avviksboten",
            "DB_PASSWORD": "s3cr@t/pass", "DB_SSLMODE": "verify-ca"}
    assert nais_database_url(nais) == ("postgresql+psycopg://avviksboten:s3cr%40t%2Fpass@10.1.2.3:5432/avviksboten"
                                       "?sslmode=verify-ca")
    assert nais_database_url({**nais, "DATABASE_URL": "sqlite:///x.db"}) is None  # an explicit URL wins
    assert nais_database_url({}) is None


def test_the_probe_and_metrics_paths_are_the_ones_the_app_answers(app, bot):
    spec = app["spec"]
    assert bot.client.get(spec["liveness"]["path"]).json() == {"ok": True}
    assert bot.client.get(spec["readiness"]["path"]).json() == {"ok": True, "database": True, "migrations": True}
    assert spec["prometheus"] == {"enabled": True, "path": "/metrics"}
    assert "avvik_registrations_total" in bot.client.get(spec["prometheus"]["path"]).body
    assert spec["liveness"]["path"] != spec["readiness"]["path"]


# PromQL words that are not metric names.
PROMQL = {"sum", "max", "min", "by", "on", "and", "or", "unless", "rate", "increase", "time", "day_of_week",
          "histogram_quantile", "le", "kind", "job", "result", "without", "ignoring", "avg", "count", "office"}


def test_every_alert_uses_only_metrics_the_app_exports(bot):
    register(bot)  # something happened, so the histogram and counters have samples
    bot.client.get("/readyz")
    text, _ = scrape(bot.url)
    exported = set(re.findall(r"^([a-z_:][a-z0-9_:]*)(?:\{| )", text, re.MULTILINE))  # with samples now
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE):  # or declared, waiting for some
        exported |= {name} | ({f"{name}_bucket", f"{name}_count", f"{name}_sum"} if kind == "histogram" else set())

    rules = yaml.safe_load((NAIS / "alerts.yaml").read_text())
    assert (rules["apiVersion"], rules["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
    alerts = [rule for group in rules["spec"]["groups"] for rule in group["rules"]]
    assert {a["alert"] for a in alerts} >= {"AvviksbotenMessagesWaiting", "AvviksbotenMessagesFailing",
                                            "AvviksbotenSchedulerStopped", "AvviksbotenNotReady"}
    for alert in alerts:
        expression = re.sub(r'"[^"]*"|\[[^\]]*\]', "", alert["expr"])
        names = {word for word in re.findall(r"[a-z_:][a-z0-9_:]*", expression) if word not in PROMQL}
        assert names and names <= exported, (alert["alert"], names - exported)
