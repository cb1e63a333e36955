-- Per-column fragments of the profiler's one-pass statement (ddgov.governance.profiling.engine).
--
-- The engine builds ONE statement over the version's Parquet:
--     WITH t AS (SELECT <columns>, <derive fragments> FROM read_parquet(...))
--     SELECT count(*) AS "rows", <common + kind fragments of every column> FROM t
-- so every column's aggregates come out of a single scan. Placeholders: {c} the quoted column,
-- {d} its derived citizen-ID candidate column, {i} its position (result names are "{i}:stat"),
-- {distinct} count(DISTINCT …) on small tables or approx_count_distinct on large ones.
-- Sections start with "-- name: <section>"; fragments are comma-separated select items.
-- A 13-digit number is never a Buddhist-era date, even when its dashed form has "-2566-" in it.

-- name: common
count({c}) AS "{i}:count",
{distinct} AS "{i}:distinct"

-- name: derive_text
ddgov_prof_id_number({c}) AS {d}

-- name: derive_integer
CASE WHEN {c} BETWEEN 1000000000000 AND 8999999999999 THEN CAST({c} AS BIGINT) END AS {d}

-- name: text
count_if(ddgov_prof_blank({c})) AS "{i}:blanks",
min({c}) AS "{i}:min",
max({c}) AS "{i}:max",
min(length({c})) AS "{i}:min_length",
max(length({c})) AS "{i}:max_length",
count_if(ddgov_prof_thai_digits({c})) AS "{i}:thai_digits",
count_if({d} IS NULL AND ddgov_prof_be_text({c})) AS "{i}:buddhist_era",
count_if(ddgov_prof_id_ok({d})) AS "{i}:citizen_id_like"

-- name: integer
min({c}) AS "{i}:min",
max({c}) AS "{i}:max",
avg({c}) AS "{i}:mean",
stddev_samp({c}) AS "{i}:stddev",
count_if({c} BETWEEN 2400 AND 2700) AS "{i}:buddhist_era",
count_if(ddgov_prof_id_ok({d})) AS "{i}:citizen_id_like"

-- name: number
min({c}) AS "{i}:min",
max({c}) AS "{i}:max",
avg({c}) AS "{i}:mean",
stddev_samp({c}) AS "{i}:stddev"

-- name: temporal
min({c}) AS "{i}:min",
max({c}) AS "{i}:max"

-- name: boolean
bool_and({c}) AS "{i}:min",
bool_or({c}) AS "{i}:max"
