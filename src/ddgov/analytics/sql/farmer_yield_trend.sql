-- Pipeline farmer.statistics → "farmer-statistics"."yield-trend" (open data).
-- Yield per rai, harvest and farm-gate price of each crop by crop year, the whole country.
-- {plots} is the registry's plots table by friendly name; {k} the minimum number of households.
SELECT
    crop_year,
    crop,
    count(DISTINCT household_id) AS households,
    round(sum(area_rai), 2) AS area_rai,
    round(sum(yield_kg) / 1000.0, 1) AS harvest_tonnes,
    round(sum(yield_kg) / sum(CASE WHEN yield_kg IS NOT NULL THEN area_rai END), 1)
        AS yield_kg_per_rai,
    round(sum(yield_kg * price_baht_per_kg) / sum(yield_kg), 2) AS price_baht_per_kg
FROM {plots}
GROUP BY crop_year, crop
HAVING count(DISTINCT household_id) >= {k}
ORDER BY crop_year, crop
