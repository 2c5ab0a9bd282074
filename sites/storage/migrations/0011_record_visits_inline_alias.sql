-- record_visits with what remember_alias did written in its loop (issue 27: the cost of a scan with several workers).
-- A SQL function called by PERFORM is parsed and planned again at every call, and record_visits called it for each
-- visit: a third of PostgreSQL's time per visit in a batch of one. In the loop, the statement's plan is kept like
-- the others', and visits without a visitor cookie to give (an empty alias) skip it. What is stored is unchanged:
-- the alias takes over the window of the visitor at that site, counted now or earlier (0007_visitor_cookie.sql).

CREATE OR REPLACE FUNCTION record_visits(in_addresses bytea[], in_visitors bytea[], in_aliases bytea[], in_slugs text[],
                              in_days date[], in_scans boolean[], in_moments timestamptz[], time_window interval,
                              period interval, ceiling integer)
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
            IF in_aliases[i] <> '' THEN
                INSERT INTO visit_windows
                    SELECT in_aliases[i], slug, last_visit, last_scan FROM visit_windows
                        WHERE visitor = in_visitors[i] AND slug = in_slugs[i]
                ON CONFLICT (visitor, slug) DO UPDATE SET last_visit = excluded.last_visit,
                                                          last_scan = excluded.last_scan;
            END IF;
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
        IF in_aliases[i] <> '' THEN
            INSERT INTO visit_windows
                SELECT in_aliases[i], slug, last_visit, last_scan FROM visit_windows
                    WHERE visitor = in_visitors[i] AND slug = in_slugs[i]
            ON CONFLICT (visitor, slug) DO UPDATE SET last_visit = excluded.last_visit,
                                                      last_scan = excluded.last_scan;
        END IF;
        admitted := admitted || true;
    END LOOP;

    WITH batch AS (
        SELECT * FROM unnest(in_visitors, in_slugs, in_days, in_scans, in_moments, admitted)
            AS b(visitor, slug, day, scan, at, ok)
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

DROP FUNCTION remember_alias(bytea, bytea, text);
