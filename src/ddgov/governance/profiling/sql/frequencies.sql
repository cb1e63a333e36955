-- Top values, patterns and gazetteer matches of one column, over the profiler's sample table
-- "prof_sample" (the whole table when it is small, else a reservoir sample): one grouped pass.
-- Placeholders: {c} the quoted column, {top} and {patterns} how many to keep.
WITH f AS (
    SELECT CAST({c} AS VARCHAR) AS v, count(*) AS n
    FROM prof_sample WHERE {c} IS NOT NULL GROUP BY ALL
),
top AS (SELECT v, n FROM f ORDER BY n DESC, v LIMIT {top}),
pat AS (
    SELECT ddgov_prof_pattern(v) AS p, sum(n) AS n
    FROM f GROUP BY ALL ORDER BY n DESC, p LIMIT {patterns}
),
keyed AS (SELECT n, trim(v) AS code_key, ddgov_prof_place(v) AS name_key FROM f),
adm AS (
    SELECT k.level, k.kind, sum(keyed.n) AS n
    FROM keyed JOIN prof_gazetteer_keys k ON k.kind = 'code' AND k.key = keyed.code_key
    GROUP BY ALL
    UNION ALL
    SELECT k.level, k.kind, sum(keyed.n) AS n
    FROM keyed JOIN prof_gazetteer_keys k ON k.kind = 'name' AND k.key = keyed.name_key
    GROUP BY ALL
)
SELECT
    (SELECT coalesce(sum(n), 0) FROM f) AS total,
    (SELECT list({'value': left(v, 200), 'count': n} ORDER BY n DESC, v) FROM top) AS top_values,
    (SELECT list({'pattern': p, 'count': n} ORDER BY n DESC, p) FROM pat) AS patterns,
    (SELECT list({'level': level, 'kind': kind, 'count': n}) FROM adm) AS admin
