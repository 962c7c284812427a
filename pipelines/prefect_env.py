"""Quiet, offline-friendly Prefect defaults; call before the first ``import prefect``.

Values already set in the environment win. Telemetry is off (the machines that run wijkradar
often have no internet), the ephemeral server gets time to start on a 2-core machine.
"""
import os

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
