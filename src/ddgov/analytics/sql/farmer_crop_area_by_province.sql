-- Pipeline farmer.statistics → "farmer-statistics"."crop-area-by-province" (open data).
-- Planted area, harvest and farm-gate value per crop year, province and crop from the farmer
-- registry's plots. {plots} is the registry's plots table by its friendly name; {k} the minimum
-- number of households a published figure may rest on (smaller groups are left out).
SELECT
    crop_year,
    province_code,
    province,
    region,
    crop,
    count(DISTINCT household_id) AS households,
    count(*) AS plots,
    round(sum(area_rai), 2) AS area_rai,
    round(sum(yield_kg) / 1000.0, 1) AS harvest_tonnes,
    round(sum(yield_kg) / sum(CASE WHEN yield_kg IS NOT NULL THEN area_rai END), 1)
        AS yield_kg_per_rai,
    round(sum(yield_kg * price_baht_per_kg) / sum(yield_kg), 2) AS price_baht_per_kg,
    round(sum(yield_kg * price_baht_per_kg) / 1000000.0, 2) AS value_million_baht
FROM {plots}
GROUP BY crop_year, province_code, province, region, crop
HAVING count(DISTINCT household_id) >= {k}
ORDER BY crop_year, province_code, crop
