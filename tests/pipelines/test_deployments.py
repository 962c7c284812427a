"""prefect.yaml's deployments as the README's "Scheduling" runs them: deployed from the repository with
``prefect --no-prompt deploy --all`` onto a Prefect server and run by a process worker in its own process
(``prefect worker start --pool local-process --run-once``), not called in the test's process."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT

PREFECT = str(Path(sys.executable).with_name("prefect"))


@pytest.mark.flow
def test_a_scheduled_weekly_run_that_meets_a_busy_warehouse_is_a_failed_run_of_one_sentence(home, prefect_harness,
                                                                                            tmp_path):
    """The README's deployment, run through a worker started in another folder while a manual run holds the
    warehouse. The run ended Failed with its sentence, and then the engine, which asks a deployment's run for its
    result, raised a TypeError holding the repr of the whole result: 40 lines of traceback in the worker's output and
    in Prefect's database, after the sentence, which named the working folder's path there (README: Prefect's
    database never holds the folder's path)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.settings import PREFECT_API_URL

    from pipelines.warehouse import connect

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "WIJKRADAR_REPO": str(REPO_ROOT)}
    with get_client(sync_client=True) as client:          # `prefect work-pool create local-process --type process`
        try:
            client.create_work_pool(WorkPoolCreate(name="local-process", type="process"))
        except ObjectAlreadyExists:
            pass
    deployed = subprocess.run([PREFECT, "--no-prompt", "deploy", "--all"], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    with get_client(sync_client=True) as client:
        names = {f"{d.name}": d for d in client.read_deployments()}
        assert {"weekly-signals", "monthly-police", "yearly-cbs"} <= set(names)
        weekly = names["weekly-signals"]
        assert weekly.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(REPO_ROOT)}}]
        run = client.create_flow_run_from_deployment(weekly.id)

    with connect(home.warehouse):                          # a manual `wijkradar run` holds the warehouse
        worker = subprocess.run([PREFECT, "worker", "start", "--pool", "local-process", "--run-once"], cwd=tmp_path,
                                env={**env, "WIJKRADAR_HOME": str(home.root), "WIJKRADAR_BUSY_WAIT": "1"},
                                capture_output=True, text=True, timeout=300)
    said = worker.stdout + worker.stderr
    with get_client(sync_client=True) as client:
        state = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))[0].state
        logs = [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))]
    sentence = "warehouse busy: warehouse.duckdb is in use by another wijkradar process"
    assert state.type == StateType.FAILED and state.message.startswith(sentence), (state, said)
    assert worker.returncode == 0 and sentence in said
    assert "Traceback" not in said and "TypeError" not in said and "WeeklyResult(" not in said
    assert not [m for m in logs if "Traceback" in m or "unexpected exception" in m]
    assert str(home.root) not in said and not [m for m in logs if str(home.root) in m]


@pytest.mark.flow
def test_a_run_given_no_working_folder_says_it_works_in_the_repositorys_data(tmp_path, home, prefect_harness,
                                                                            monkeypatch, caplog):
    """A worker started without WIJKRADAR_HOME: its weekly run made a warehouse in the repository's data/ and ended
    Completed with "no signal counts in the warehouse yet; load files first", every Monday, without naming the
    folder it had used nor what the analyst had left out. A folder given, or chosen by the command: no such word."""
    from pipelines import paths
    from pipelines.flows import weekly

    told = "started without WIJKRADAR_HOME; to run on the working folder, stop the worker and start it as " \
           "WIJKRADAR_HOME=<working folder> prefect worker start --pool local-process"

    import logging

    run_log = logging.getLogger("prefect.flow_runs")       # Prefect's run loggers do not propagate to caplog's
    monkeypatch.setattr(run_log, "handlers", [*run_log.handlers, caplog.handler])
    monkeypatch.delenv("WIJKRADAR_HOME", raising=False)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path / "repo")         # the repository's data/: the test's own
    weekly()
    assert (tmp_path / "repo" / "data" / "warehouse.duckdb").exists()
    said = {id(r): r for r in caplog.records if told in r.getMessage()}     # a record reaching it twice (propagated)
    assert [r.levelname for r in said.values()] == ["WARNING"]
    caplog.clear()
    monkeypatch.setenv("WIJKRADAR_HOME", str(home.root))
    weekly()
    assert not [r for r in caplog.records if told in r.getMessage()]


@pytest.mark.flow
def test_wijkradars_own_log_lines_reach_the_run_s_log_in_prefect_and_none_outside_a_run(prefect_harness, capsys):
    """A deployment's run showed what wijkradar's own loggers say (``wijkradar.ingest``: "columns holding personal
    data were dropped") only in its worker's output, never in the run's log that Prefect keeps and shows."""
    import logging

    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    import pipelines.flows  # noqa: F401 - installs the handler, as a deployment's run imports its flow

    @flow
    def says():
        logging.getLogger("wijkradar.ingest").warning("wijkradar-test: 2 columns were dropped")

    state = says(return_state=True)
    logging.getLogger("wijkradar.ingest").warning("wijkradar-test: outside any run")
    for handler in logging.getLogger("wijkradar").handlers:
        if isinstance(handler, APILogHandler):
            handler.flush()                              # the records sent before they are read
    with get_client(sync_client=True) as client:
        logs = [log.message for log in client.read_logs(LogFilter(
            flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])))]
    assert "wijkradar-test: 2 columns were dropped" in logs
    assert "outside any run" not in " ".join(logs)
    out, err = capsys.readouterr()
    assert "without a flow run id" not in out + err and "MissingContext" not in out + err
