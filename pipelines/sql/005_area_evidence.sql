-- 005: the wijkteam lists are per area and domain (physical / social / safety), with evidence,
-- false-discovery control and a lifecycle. The series-level flags of the skeleton are replaced.
DROP TABLE marts.area_flags;

CREATE TABLE marts.area_evidence (
    area_code    VARCHAR NOT NULL,
    domain       VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    p_domain     DOUBLE NOT NULL,
    q            DOUBLE NOT NULL,
    score        DOUBLE NOT NULL,
    level        VARCHAR NOT NULL,     -- alarm / aandacht / ''
    status       VARCHAR NOT NULL,     -- nieuw / aanhoudend / verergerend / opgelost / ''
    since        DATE,
    PRIMARY KEY (area_code, domain, period, period_start)
);

CREATE TABLE marts.area_flags (
    run_id         VARCHAR NOT NULL,
    run_period     VARCHAR NOT NULL,
    wijkteam       VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    domain         VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    period_start   DATE NOT NULL,
    level          VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    score          DOUBLE NOT NULL,
    q              DOUBLE NOT NULL,
    since          DATE NOT NULL,
    last_seen      DATE,
    peak           DOUBLE,
    signals        VARCHAR NOT NULL,    -- the domain's elevated signals, comma separated
    explanation    VARCHAR NOT NULL,    -- Dutch
    explanation_en VARCHAR NOT NULL,
    PRIMARY KEY (run_id, area_code, domain, period)
);
