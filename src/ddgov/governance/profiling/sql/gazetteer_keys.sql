-- The gazetteer as lookup keys: every code and every reduced Thai and English name, per level.
-- Bangkok has the short names people write ("กรุงเทพฯ", "กทม."). Needs the table "gazetteer"
-- (ddgov.governance.gazetteer.gazetteer_register) and the profiler's macros.
CREATE OR REPLACE TEMP TABLE prof_gazetteer_keys AS
SELECT DISTINCT level, kind, key FROM (
    SELECT level, 'code' AS kind, code AS key FROM gazetteer
    UNION ALL
    SELECT level, 'name', ddgov_prof_place(name_th) FROM gazetteer
    UNION ALL
    SELECT level, 'name', ddgov_prof_place(name_en) FROM gazetteer
    UNION ALL
    SELECT 'province', 'name', ddgov_prof_place(alias)
    FROM (VALUES ('กรุงเทพฯ'), ('กรุงเทพ'), ('กทม.'), ('กทม'), ('Bangkok Metropolis')) AS t(alias)
) WHERE key <> '';
