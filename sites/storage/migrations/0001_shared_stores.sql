-- The shared stores on PostgreSQL: visit counts, the visit window and ceiling, the daily visitor key,
-- staff sessions and login throttling. Same meaning as the SQLite tables in sites/; times are timestamptz,
-- days are Vietnamese dates.

CREATE TABLE daily_counts (
    slug text NOT NULL,
    day date NOT NULL,
    scans bigint NOT NULL DEFAULT 0,
    views bigint NOT NULL DEFAULT 0,
    unique_visitors bigint NOT NULL DEFAULT 0,
    last_visit timestamptz NOT NULL,
    PRIMARY KEY (slug, day)
);
CREATE INDEX daily_counts_by_day ON daily_counts (day);

CREATE TABLE site_totals (
    slug text PRIMARY KEY,
    scans bigint NOT NULL DEFAULT 0,
    views bigint NOT NULL DEFAULT 0,
    unique_visitors bigint NOT NULL DEFAULT 0,
    last_visit timestamptz NOT NULL
);

-- Today's visitor ids, to count each once per site and day; earlier days are deleted.
CREATE TABLE visitors_today (
    slug text NOT NULL,
    day date NOT NULL,
    visitor bytea NOT NULL,
    PRIMARY KEY (slug, day, visitor)
);

-- The visit gate (sites/visits/visit_gate.py) shared by every process: when a visitor's visit and scan of a site
-- were last counted, and each address's current period with the visits counted in it.
CREATE TABLE visit_windows (
    visitor bytea NOT NULL,
    slug text NOT NULL,
    last_visit timestamptz,
    last_scan timestamptz,
    PRIMARY KEY (visitor, slug)
);
CREATE TABLE address_periods (
    address bytea PRIMARY KEY,
    started timestamptz NOT NULL,
    counted integer NOT NULL
);

-- The key behind visitor ids: one random key per day, shared by every process; past days are deleted.
CREATE TABLE visitor_keys (
    day date PRIMARY KEY,
    key bytea NOT NULL
);

CREATE TABLE sessions (
    key text PRIMARY KEY,
    "user" text NOT NULL,
    expires double precision NOT NULL
);
CREATE INDEX sessions_user ON sessions ("user");

CREATE TABLE attempts (
    key text PRIMARY KEY,
    count integer NOT NULL,
    locked_until double precision NOT NULL,
    touched double precision NOT NULL
);
CREATE INDEX attempts_touched ON attempts (touched);

-- Records one batch of visits in the caller's transaction: each visit passes the gate (one per visitor and
-- site in `time_window`, at most `ceiling` per address in `period`) in the order given, then the admitted
-- ones are added to the counts. Returns, for each visit, whether it was counted. Callers sort a batch by
-- (address, visitor, slug, at) so that concurrent batches take their row locks in one order.
CREATE FUNCTION record_visits(in_addresses bytea[], in_visitors bytea[], in_slugs text[], in_days date[],
                              in_scans boolean[], in_moments timestamptz[], time_window interval, period interval, ceiling integer)
RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE
    admitted boolean[] := '{}';
    started_at timestamptz;
    counted_in integer;
    recent timestamptz;
BEGIN
    FOR i IN 1 .. coalesce(array_length(in_visitors, 1), 0) LOOP
        -- The address's row first, then the visitor's: every batch locks in the same order.
        INSERT INTO address_periods VALUES (in_addresses[i], in_moments[i], 0) ON CONFLICT DO NOTHING;
        SELECT started, counted INTO started_at, counted_in FROM address_periods
            WHERE address = in_addresses[i] FOR UPDATE;
        INSERT INTO visit_windows VALUES (in_visitors[i], in_slugs[i], NULL, NULL) ON CONFLICT DO NOTHING;
        SELECT CASE WHEN in_scans[i] THEN last_scan ELSE last_visit END INTO recent FROM visit_windows
            WHERE visitor = in_visitors[i] AND slug = in_slugs[i] FOR UPDATE;
        IF recent IS NOT NULL AND in_moments[i] - recent < time_window THEN
            admitted := admitted || false;
            CONTINUE;
        END IF;
        IF in_moments[i] - started_at >= period THEN
            started_at := in_moments[i];
            counted_in := 0;
        END IF;
        IF counted_in >= ceiling THEN
            admitted := admitted || false;
            CONTINUE;
        END IF;
        UPDATE address_periods SET started = started_at, counted = counted_in + 1 WHERE address = in_addresses[i];
        UPDATE visit_windows SET last_visit = in_moments[i],
                                 last_scan = CASE WHEN in_scans[i] THEN in_moments[i] ELSE last_scan END
            WHERE visitor = in_visitors[i] AND slug = in_slugs[i];
        admitted := admitted || true;
    END LOOP;

    WITH batch AS (
        SELECT * FROM unnest(in_visitors, in_slugs, in_days, in_scans, in_moments, admitted) AS b(visitor, slug, day, scan, at, ok)
        WHERE ok
    ), fresh AS (
        INSERT INTO visitors_today SELECT DISTINCT slug, day, visitor FROM batch ORDER BY 1, 2, 3
        ON CONFLICT DO NOTHING RETURNING slug, day
    ), per_day AS (
        SELECT slug, day, count(*) FILTER (WHERE scan) AS scans, count(*) FILTER (WHERE NOT scan) AS views,
               (SELECT count(*) FROM fresh f WHERE f.slug = b.slug AND f.day = b.day) AS uniques,
               max(at) AS last_visit
        FROM batch b GROUP BY slug, day
    ), by_day AS (
        INSERT INTO daily_counts SELECT * FROM per_day ORDER BY slug, day
        ON CONFLICT (slug, day) DO UPDATE SET scans = daily_counts.scans + excluded.scans,
            views = daily_counts.views + excluded.views,
            unique_visitors = daily_counts.unique_visitors + excluded.unique_visitors,
            last_visit = greatest(daily_counts.last_visit, excluded.last_visit)
    )
    INSERT INTO site_totals
        SELECT slug, sum(scans), sum(views), sum(uniques), max(last_visit) FROM per_day GROUP BY slug ORDER BY slug
    ON CONFLICT (slug) DO UPDATE SET scans = site_totals.scans + excluded.scans,
        views = site_totals.views + excluded.views,
        unique_visitors = site_totals.unique_visitors + excluded.unique_visitors,
        last_visit = greatest(site_totals.last_visit, excluded.last_visit);
    RETURN admitted;
END
$$;
