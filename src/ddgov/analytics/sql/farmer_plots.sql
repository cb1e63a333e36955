-- Farm plots by crop year (แปลงเพาะปลูกรายปี), {rows} rows: plot p has one row per crop year
-- 2560-2567 (row i is plot i // 8, year 2560 + i % 8), and household h = p * 2 // 5 owns two or
-- three plots. A plot keeps its crop and area every year; yield and price change by year.
-- Needs farmer_macros.sql, province_slot and area (see farmer_households.sql) and
--   crop_slot(region_code, slot, crop)       1,000 slots per NESDB region, the region's crop mix
--   crop(crop, area_rai, yield_per_rai, yield_ne, yield_c)   typical plot size (rai) and yield
--                                            (kg/rai), with factors for the Northeast and Centre
--   crop_year(crop, crop_year, price, yield_factor)          farm-gate price (baht/kg) by year
WITH draws AS (
    SELECT
        i,
        i // 8 AS p,
        (i // 8) * 2 // 5 AS h,
        (2560 + i % 8)::INTEGER AS crop_year,
        floor(u(i // 8, 21) * 1000)::INTEGER AS crop_slot,
        u(i // 8, 22) AS u_area,
        u(i // 8, 26) AS u_skill,
        u(i, 23) AS u_yield,
        u(i, 24) AS u_price,
        u(i, 25) AS u_missing
    FROM range({rows}) AS r(i)
),
planted AS (
    SELECT
        d.i, d.p, d.h, d.crop_year, d.u_missing,
        pr.province, pr.province_code, pr.region, a.district_num, a.district,
        c.crop,
        -- plot size: spread around the crop's typical size, 1-300 rai
        least(300, greatest(1, c.area_rai * exp((d.u_area - 0.5) * 2.2)))::DECIMAL(9, 2) AS area_rai,
        c.yield_per_rai
            * CASE pr.region_code WHEN 'NE' THEN c.yield_ne WHEN 'C' THEN c.yield_c ELSE 1.0 END
            * y.yield_factor
            * (0.75 + 0.5 * d.u_skill) * (0.85 + 0.3 * d.u_yield) AS kg_per_rai,
        y.price * (0.9 + 0.2 * d.u_price) AS price
    FROM draws AS d
    JOIN province_slot AS pr ON pr.slot = household_slot(d.h)
    JOIN area AS a ON a.key = pr.first_area + floor(household_area(d.h) * pr.areas)::INTEGER
    JOIN crop_slot AS s ON s.region_code = pr.region_code AND s.slot = d.crop_slot
    JOIN crop AS c ON c.crop = s.crop
    JOIN crop_year AS y ON y.crop = s.crop AND y.crop_year = d.crop_year
)
SELECT
    'P' || ((1000000001 + p)::VARCHAR)[2:] AS plot_id,
    household_key(h) AS household_id,
    thai_id(household_id12(h, district_num)) AS citizen_id,
    province,
    province_code,
    district,
    region,
    area_rai,
    crop,
    crop_year,
    -- about 1 in 100 harvests is not reported yet
    CASE WHEN u_missing < 0.01 THEN NULL ELSE round(area_rai * kg_per_rai)::BIGINT END AS yield_kg,
    round(price, 2)::DECIMAL(8, 2) AS price_baht_per_kg
FROM planted
