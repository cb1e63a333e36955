-- Pipeline farmer.statistics → "farmer-statistics"."debt-by-region" (open data).
-- BAAC-style debt of farm households per NESDB region: households registered, households with
-- a loan, outstanding debt and debt per household. {households} and {loans} are the registry's
-- tables by friendly name; {k} the minimum number of households behind a published figure.
WITH debt AS (
    SELECT
        household_id,
        count(*) AS loans,
        sum(outstanding_baht) AS outstanding_baht,
        count(*) FILTER (WHERE status = 'ค้างชำระ') AS overdue_loans,
        count(*) FILTER (WHERE status = 'พักชำระหนี้') AS moratorium_loans
    FROM {loans}
    WHERE status <> 'ปิดบัญชี'
    GROUP BY household_id
)
SELECT
    h.region,
    count(*) AS households,
    count(d.household_id) AS indebted_households,
    round(100.0 * count(d.household_id) / count(*), 1) AS indebted_percent,
    coalesce(sum(d.loans), 0) AS open_loans,
    coalesce(sum(d.overdue_loans), 0) AS overdue_loans,
    coalesce(sum(d.moratorium_loans), 0) AS moratorium_loans,
    round(coalesce(sum(d.outstanding_baht), 0) / 1000000.0, 2) AS outstanding_million_baht,
    round(coalesce(sum(d.outstanding_baht), 0) / count(*), 0) AS debt_per_household_baht,
    round(avg(d.outstanding_baht), 0) AS debt_per_indebted_household_baht
FROM {households} AS h
LEFT JOIN debt AS d ON d.household_id = h.household_id
GROUP BY h.region
HAVING count(*) >= {k}
ORDER BY debt_per_household_baht DESC
