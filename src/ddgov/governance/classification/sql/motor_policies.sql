-- Voluntary motor-insurance policies (ประกันภัยรถยนต์ภาคสมัครใจ), one row per policy.
-- Run by ddgov.governance.motor.motor_policies_write, which fills in {rows} and {seed} (integers)
-- and first creates the temp tables and the macro used here:
--   u(i, k)                          a uniform number in [0, 1) from a hash of (row, stream, seed)
--   insurer_slot(slot, insurer)      1,000 slots, each insurer in proportion to its market share
--   vehicle_slot(slot, make, model, price, first_year, pickup)
--   province_slot(slot, province, bangkok)
--   plate_letter(i, letter)          the consonants used on Thai plates, i = 0..{letters}-1
-- Every value is a function of the row number and the seed only, so the output is the same for
-- a seed whatever the number of threads.
WITH draws AS (
    SELECT
        i,
        floor(u(i, 1) * 1000)::INTEGER AS insurer_slot,
        floor(u(i, 2) * 1000)::INTEGER AS vehicle_slot,
        floor(u(i, 3) * 1000)::INTEGER AS province_slot,
        -- vehicle age 0..16 years, newer cars more common
        least(16, floor(pow(u(i, 4), 1.6) * 17))::INTEGER AS vehicle_age,
        u(i, 5) AS u_type,
        -- insured's age: 18-85, mean near 45, few young or old
        least(85, 18 + floor(pow((u(i, 6) + u(i, 7) + u(i, 8) + u(i, 9)) / 4, 1.3) * 68))::INTEGER AS age,
        u(i, 10) AS u_sex,
        u(i, 11) AS u_rate,
        u(i, 12) AS u_claims,
        u(i, 13) AS u_claim_size,
        u(i, 14) AS u_plate,
        floor(u(i, 15) * 366)::INTEGER AS start_day,
        (hash(i, 16, {seed}) % 100000000000)::BIGINT AS id_body,
        u(i, 17) AS u_cover,
        floor(u(i, 18) * {letters})::INTEGER AS letter1,
        floor(u(i, 19) * {letters})::INTEGER AS letter2,
        (1 + floor(u(i, 20) * 9999))::INTEGER AS plate_number
    FROM range({rows}) AS r(i)
),
policies AS (
    SELECT
        d.*,
        ins.insurer,
        v.make, v.model, v.price, v.pickup,
        p.province, p.bangkok,
        l1.letter || l2.letter AS plate_letters,
        greatest(2024 - d.vehicle_age, v.first_year) AS vehicle_year,
        CASE
            WHEN d.vehicle_age <= 5 THEN
                CASE WHEN u_type < 0.60 THEN 'ชั้น 1' WHEN u_type < 0.80 THEN 'ชั้น 2+'
                     WHEN u_type < 0.92 THEN 'ชั้น 3+' WHEN u_type < 0.95 THEN 'ชั้น 2' ELSE 'ชั้น 3' END
            WHEN d.vehicle_age <= 10 THEN
                CASE WHEN u_type < 0.25 THEN 'ชั้น 1' WHEN u_type < 0.55 THEN 'ชั้น 2+'
                     WHEN u_type < 0.85 THEN 'ชั้น 3+' WHEN u_type < 0.90 THEN 'ชั้น 2' ELSE 'ชั้น 3' END
            ELSE
                CASE WHEN u_type < 0.05 THEN 'ชั้น 1' WHEN u_type < 0.25 THEN 'ชั้น 2+'
                     WHEN u_type < 0.65 THEN 'ชั้น 3+' WHEN u_type < 0.75 THEN 'ชั้น 2' ELSE 'ชั้น 3' END
        END AS policy_type
    FROM draws AS d
    JOIN insurer_slot AS ins ON ins.slot = d.insurer_slot
    JOIN vehicle_slot AS v ON v.slot = d.vehicle_slot
    JOIN province_slot AS p ON p.slot = d.province_slot
    JOIN plate_letter AS l1 ON l1.i = d.letter1
    JOIN plate_letter AS l2 ON l2.i = d.letter2
),
valued AS (
    SELECT
        *,
        -- market value: about 10 % a year off the new price, never under a quarter of it
        round(price * greatest(0.25, 1 - 0.1 * (2024 - vehicle_year)), -4)::BIGINT AS market_value,
        CASE WHEN age < 25 THEN 1.3 WHEN age < 30 THEN 1.1 WHEN age >= 65 THEN 1.1 ELSE 1.0 END
            * CASE WHEN bangkok THEN 1.08 ELSE 1.0 END AS risk
    FROM policies
),
covered AS (
    SELECT
        *,
        CASE policy_type
            WHEN 'ชั้น 1' THEN market_value
            WHEN 'ชั้น 2+' THEN least(market_value, 500000)
            WHEN 'ชั้น 2' THEN market_value
            WHEN 'ชั้น 3+' THEN [100000, 150000, 200000][1 + floor(u_cover * 3)::INTEGER]
            ELSE NULL
        END AS sum_insured,
        CASE policy_type
            WHEN 'ชั้น 1' THEN greatest(12000, market_value * (0.022 + 0.013 * u_rate)
                                         * CASE WHEN pickup THEN 0.9 ELSE 1.0 END)
            WHEN 'ชั้น 2+' THEN 6500 + 3000 * u_rate
            WHEN 'ชั้น 3+' THEN 5500 + 2500 * u_rate
            WHEN 'ชั้น 2' THEN 3000 + 2500 * u_rate
            ELSE 1800 + 1400 * u_rate
        END * risk AS premium_raw,
        CASE policy_type
            WHEN 'ชั้น 1' THEN 0.35 WHEN 'ชั้น 2+' THEN 0.20 WHEN 'ชั้น 3+' THEN 0.15
            WHEN 'ชั้น 2' THEN 0.02 ELSE 0.08
        END * CASE WHEN age < 25 THEN 1.6 ELSE 1.0 END AS claim_rate
    FROM valued
),
claimed AS (
    SELECT
        *,
        -- Poisson(claim_rate) by its cumulative probabilities, up to 3 claims a year
        CASE
            WHEN u_claims < exp(-claim_rate) THEN 0
            WHEN u_claims < exp(-claim_rate) * (1 + claim_rate) THEN 1
            WHEN u_claims < exp(-claim_rate) * (1 + claim_rate + claim_rate ^ 2 / 2) THEN 2
            ELSE 3
        END AS claim_count
    FROM covered
),
citizen AS (
    SELECT
        *,
        -- people registered before 1984 carry first digit 3, those born later 1
        (CASE WHEN 2024 - age < 1984 THEN '3' ELSE '1' END) || lpad(id_body::VARCHAR, 11, '0') AS id12
    FROM claimed
)
SELECT
    'VMI-2567-' || lpad((i + 1)::VARCHAR, 8, '0') AS policy_no,
    insurer,
    policy_type,
    make,
    model,
    vehicle_year,
    -- Bangkok plates since the 1990s and newer provincial plates start with a digit
    CASE WHEN bangkok OR vehicle_year >= 2013 THEN (1 + floor(u_plate * 9))::INTEGER::VARCHAR ELSE '' END
        || plate_letters || ' ' || plate_number::VARCHAR || ' ' || province AS plate,
    province,
    -- check digit: (11 - sum of digit x (13 - position) mod 11) mod 10
    id12 || ((11 - (
            (ascii(id12[1]) - 48) * 13 + (ascii(id12[2]) - 48) * 12 + (ascii(id12[3]) - 48) * 11 + (ascii(id12[4]) - 48) * 10 +
            (ascii(id12[5]) - 48) * 9 + (ascii(id12[6]) - 48) * 8 + (ascii(id12[7]) - 48) * 7 + (ascii(id12[8]) - 48) * 6 +
            (ascii(id12[9]) - 48) * 5 + (ascii(id12[10]) - 48) * 4 + (ascii(id12[11]) - 48) * 3 + (ascii(id12[12]) - 48) * 2
        ) % 11) % 10)::VARCHAR AS citizen_id,
    age,
    CASE WHEN u_sex < 0.58 THEN 'ชาย' ELSE 'หญิง' END AS sex,
    (DATE '2024-01-01' + start_day)::DATE AS start_date,
    round(premium_raw, 0)::BIGINT AS premium,
    sum_insured,
    claim_count,
    CASE WHEN claim_count = 0 THEN 0
         ELSE round(claim_count * (3000 + 60000 * pow(u_claim_size, 2.5)), -2)::BIGINT END AS claim_amount
FROM citizen
ORDER BY i
