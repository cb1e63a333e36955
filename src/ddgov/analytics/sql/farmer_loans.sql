-- BAAC-style farm loans (สินเชื่อ ธ.ก.ส.), {loans} rows: loan j belongs to a household drawn at
-- random (some households have none, some two or more). Amounts in baht, year in BE.
-- Needs farmer_macros.sql, province_slot and area (see farmer_households.sql).
WITH draws AS (
    SELECT
        j,
        (hash(j, 31, {seed}) % {households})::BIGINT AS h,
        (2558 + floor(pow(u(j, 32), 0.7) * 10))::INTEGER AS year,
        u(j, 33) AS u_amount,
        u(j, 34) AS u_status,
        u(j, 35) AS u_paid,
        (3 + floor(u(j, 36) * 8))::INTEGER AS term_years
    FROM range({loans}) AS r(j)
),
valued AS (
    SELECT
        d.*,
        a.district_num,
        -- 20,000-2,000,000 baht, most loans small; larger in the Centre and the South
        round((20000 + 1480000 * pow(d.u_amount, 2.6))
              * CASE pr.region_code WHEN 'C' THEN 1.35 WHEN 'S' THEN 1.25 WHEN 'W' THEN 1.15
                                    WHEN 'NE' THEN 0.85 ELSE 1.0 END, -3)::BIGINT AS principal,
        CASE
            WHEN d.u_status < 0.60 THEN 'ปกติ'
            WHEN d.u_status < 0.74 THEN 'ค้างชำระ'
            WHEN d.u_status < 0.86 THEN 'พักชำระหนี้'
            ELSE 'ปิดบัญชี'
        END AS status
    FROM draws AS d
    JOIN province_slot AS pr ON pr.slot = household_slot(d.h)
    JOIN area AS a ON a.key = pr.first_area + floor(household_area(d.h) * pr.areas)::INTEGER
)
SELECT
    'BAAC-' || year::VARCHAR || '-' || lpad((j + 1)::VARCHAR, 8, '0') AS loan_id,
    household_key(h) AS household_id,
    thai_id(household_id12(h, district_num)) AS citizen_id,
    'ธ.ก.ส.' AS lender,
    year,
    principal::DECIMAL(14, 2) AS principal_baht,
    CASE status
        WHEN 'ปิดบัญชี' THEN 0
        -- repaid in equal parts over the term; overdue loans paid less and carry interest
        WHEN 'ค้างชำระ' THEN principal * greatest(0.3, 1 - (2567 - year) / term_years * 0.5) * 1.07
        WHEN 'พักชำระหนี้' THEN principal * greatest(0.4, 1 - (2567 - year) / term_years * 0.6)
        ELSE principal * greatest(0.05, 1 - (2567 - year) / term_years * (0.8 + 0.2 * u_paid))
    END::DECIMAL(14, 2) AS outstanding_baht,
    status
FROM valued
