-- Macros of the farmer registry generator (ddgov.analytics.farmer), created before the three
-- table queries run. {seed} is filled in by the generator (an integer).
--   u(i, k)              a uniform number in [0, 1) from a hash of (row, stream, seed)
--   household_key(h)     'HH' and the household number, the key of households, plots and loans
--   household_slot(h)    the household's province slot, 0..9999 (see province_slot)
--   household_area(h)    a number in [0, 1) that picks the household's subdistrict in its province
--   household_id12(h, district_num)
--                        first 12 digits of the head's citizen ID as a number: 3 (registered
--                        before 1984) or 1, the district registrar's code, then 7 digits unique
--                        per household
--   thai_id(n)           the 13-digit citizen ID of those 12 digits: n and its check digit
--                        (11 - sum of digit x (13 - position) mod 11) mod 10, computed on integers
-- Every household value is a function of the household number h and the seed, so the three
-- tables compute a household's place and citizen ID without joining each other: only small
-- lookup tables are joined, which keeps the rows in generation order on any number of threads.
CREATE OR REPLACE TEMP MACRO u(i, k) AS
    (hash(i, k, {seed}) >> 11)::DOUBLE / 9007199254740992.0;

CREATE OR REPLACE TEMP MACRO household_key(h) AS 'HH' || ((100000001 + h)::VARCHAR)[2:];

CREATE OR REPLACE TEMP MACRO household_slot(h) AS floor(u(h, 1) * 10000)::INTEGER;

CREATE OR REPLACE TEMP MACRO household_area(h) AS u(h, 2);

-- h * 7919 + seed is one-to-one modulo 10^7 for fewer than 10 million households.
CREATE OR REPLACE TEMP MACRO household_id12(h, district_num) AS
    (CASE WHEN u(h, 8) < 0.86 THEN 3 ELSE 1 END)::BIGINT * 100000000000
    + district_num::BIGINT * 10000000
    + (h * 7919 + {seed}) % 10000000;

CREATE OR REPLACE TEMP MACRO thai_id(n) AS
    (n * 10 + (11 - (
        (n // 100000000000) % 10 * 13 + (n // 10000000000) % 10 * 12 + (n // 1000000000) % 10 * 11
        + (n // 100000000) % 10 * 10 + (n // 10000000) % 10 * 9 + (n // 1000000) % 10 * 8
        + (n // 100000) % 10 * 7 + (n // 10000) % 10 * 6 + (n // 1000) % 10 * 5
        + (n // 100) % 10 * 4 + (n // 10) % 10 * 3 + (n // 1) % 10 * 2
    ) % 11) % 10)::VARCHAR;
