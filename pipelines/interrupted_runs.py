"""Flow runs that an interrupted process left RUNNING or PENDING in Prefect's database are marked CRASHED.

A run killed with ``kill -9`` (or whose server died first) never records its end: Prefect shows it running for
good. Each flow, as it starts, labels its run with the process that runs it (``wijkradar.process``: host, pid and
the process's start time) and marks crashed every other running or pending run whose process is gone. A run
without that label (from before it existed, or killed before it was set) is judged only in this working folder's
own ephemeral database, and only when no other wijkradar process serves it: then no live process can own it. On a
shared Prefect server (``PREFECT_API_URL``) such runs, and runs of other hosts, are left alone.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

from pipelines import prefect_env

LABEL = "wijkradar.process"


def process_marker(pid: int | None = None) -> str:
    """``host:pid:start`` of a process (this one by default); the start time tells a reused pid apart."""
    pid = os.getpid() if pid is None else pid
    stat = prefect_env._stat(pid)
    return f"{socket.gethostname()}:{pid}:{stat[2] if stat else 0}"


def process_gone(marker: str) -> bool | None:
    """True when the process a marker names has ended, False when it lives, None when this host cannot tell."""
    try:
        host, pid, start = marker.rsplit(":", 2)
        pid, start = int(pid), int(start)
    except (AttributeError, ValueError):
        return None
    if host != socket.gethostname() or not prefect_env.PROC.is_dir():
        return None
    stat = prefect_env._stat(pid)
    return stat is None or stat[0] in ("Z", "X") or stat[2] != start


def _no_other_process_serves(prefect_home: Path) -> bool:
    """This process alone has an ephemeral server of this Prefect home (orphans were stopped when the command
    started; ``pipelines.cli._open_home``)."""
    return not [s for s in prefect_env.ephemeral_servers(prefect_home) if s.ppid != os.getpid() and not s.orphan]


def mark_interrupted_runs(logger) -> list[str]:
    """Label this flow run with its process; mark crashed the runs of processes that are gone; their names.

    Never fails the flow: a Prefect error here is logged and the flow goes on."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.context import FlowRunContext
    from prefect.settings import get_current_settings
    from prefect.states import Crashed

    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return []
    current = context.flow_run.id
    settings = get_current_settings()
    ephemeral = not settings.api.url
    marked = []
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run_labels(current, {LABEL: process_marker()})
            unlabelled_dead = ephemeral and _no_other_process_serves(Path(settings.home).expanduser())
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING]))), limit=200)
            for run in runs:
                if run.id == current:
                    continue
                marker = (run.labels or {}).get(LABEL)
                gone = process_gone(marker) if marker is not None else (True if unlabelled_dead else None)
                if not gone:
                    continue
                client.set_flow_run_state(run.id, state=Crashed(
                    message="the process running this flow ended without recording its end (killed or stopped); "
                            f"marked crashed by the next flow run ({context.flow_run.name})"), force=True)
                marked.append(run.name)
                logger.warning("flow run %s (started %s) was left %s by an interrupted process; marked crashed",
                               run.name, str(run.start_time or run.expected_start_time)[:19],
                               run.state_type.value if run.state_type else "running")
    except Exception as exc:  # noqa: BLE001 - bookkeeping of earlier runs must never stop this one
        logger.warning("could not check for flow runs left running by an interrupted process (%s)",
                       type(exc).__name__)
    return marked
