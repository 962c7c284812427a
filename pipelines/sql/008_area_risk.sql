-- 008: structural risk per buurt and domain for the coming months (pipelines/risk.py, models/risk.py).
-- Written once per scoring run, in its own transaction, after the run's flags; a run that has its risk
-- is never scored again, so re-running the flow changes nothing.
CREATE TABLE marts.area_risk (
    run_id          VARCHAR NOT NULL,    -- the scoring run (meta.runs) whose warehouse state was used
    area_code       VARCHAR NOT NULL,
    domain          VARCHAR NOT NULL,    -- physical / social / safety
    period_from     DATE NOT NULL,       -- first day of the predicted period (the month after the data)
    period_to       DATE NOT NULL,       -- last day of the predicted period
    horizon_months  INTEGER NOT NULL,    -- length of the predicted period in months
    probability     DOUBLE NOT NULL CHECK (probability BETWEEN 0 AND 1),   -- calibrated chance of an escalation
    rank            INTEGER NOT NULL,    -- within the municipality and domain, 1 = highest probability
    history         BOOLEAN NOT NULL,    -- false: no earlier counts, scored from the buurt's figures alone
    drivers         VARCHAR NOT NULL,    -- the factors that raise the chance most, in Dutch
    model           VARCHAR NOT NULL,    -- chosen model and calibration
    trained_on      VARCHAR NOT NULL,    -- the periods the model learnt from (forward in time)
    base_rate       DOUBLE NOT NULL,     -- share of escalations in the training periods
    PRIMARY KEY (run_id, area_code, domain)
);

CREATE TABLE meta.risk_runs (
    run_id          VARCHAR PRIMARY KEY,
    created_at      TIMESTAMP NOT NULL,
    settings        VARCHAR NOT NULL,    -- JSON: the RiskSettings used (lijst_instellingen.csv over the defaults)
    features        VARCHAR NOT NULL,    -- where the buurt figures came from
    models          VARCHAR NOT NULL     -- JSON per domain: model, calibration, validation, or why it was skipped
);
