-- Farmer households (ทะเบียนครัวเรือนเกษตรกร), one row per household, {households} rows.
-- Run by ddgov.analytics.farmer after farmer_macros.sql and the lookup tables:
--   province_slot(slot, province_code, province, region_code, region, first_area, areas)
--       10,000 slots, each province in proportion to how many farm households it has
--   area(key, district_num, district, subdistrict)
--       every subdistrict, a province's numbered first_area .. first_area + areas - 1
--   male_name(idx, name), female_name(idx, name), family_name(idx, name)   name lists of
--                                                    {male_names}, {female_names}, {family_names} names
-- Every value is a function of the household number and the seed.
WITH draws AS (
    SELECT
        h,
        household_slot(h) AS slot,
        household_area(h) AS u_area,
        u(h, 3) < 0.64 AS male,
        u(h, 4) AS u_first,
        u(h, 5) AS u_family,
        -- 1-8 members, about 3.3 on average (farm households are older and smaller than before)
        least(8, 1 + floor(pow(u(h, 6), 1.35) * 6.2))::INTEGER AS members,
        (2540 + floor(u(h, 7) * 21))::INTEGER AS registered_year,
        u(h, 9) < 0.35 AS married
    FROM range({households}) AS r(h)
),
placed AS (
    SELECT
        d.*, p.province_code, p.province, p.region, p.region_code,
        a.district_num, a.district, a.subdistrict
    FROM draws AS d
    JOIN province_slot AS p ON p.slot = d.slot
    JOIN area AS a ON a.key = p.first_area + floor(d.u_area * p.areas)::INTEGER
)
SELECT
    household_key(h) AS household_id,
    thai_id(household_id12(h, district_num)) AS citizen_id,
    CASE
        WHEN male THEN 'นาย' || m.name
        WHEN married THEN 'นาง' || f.name
        ELSE 'นางสาว' || f.name
    END || ' ' || s.name AS name,
    province,
    province_code,
    district,
    subdistrict,
    region,
    members,
    registered_year
FROM placed
JOIN male_name AS m ON m.idx = floor(u_first * {male_names})::INTEGER
JOIN female_name AS f ON f.idx = floor(u_first * {female_names})::INTEGER
JOIN family_name AS s ON s.idx = floor(u_family * {family_names})::INTEGER
