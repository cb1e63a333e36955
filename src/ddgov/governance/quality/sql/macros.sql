-- Macros the compiled quality checks call (created as TEMP macros on each connection).
--
-- Thai 13-digit ID numbers: the check digit is (11 - sum(d_i * (13 - i)) mod 11) mod 10 over
-- the first twelve digits (as in ddgov.identity.thaiid). Arithmetic on a BIGINT is ~10x faster
-- in DuckDB than string slicing, so the number is parsed once and the digits taken with // and %.

-- Thai digits to Arabic, separators (space, dash, dot) removed.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_digits(v) AS
    regexp_replace(translate(CAST(v AS VARCHAR), '๐๑๒๓๔๕๖๗๘๙', '0123456789'), '[\s.\-]', '', 'g');

-- The ID as a number when it is written with exactly 13 digits. CASE is evaluated lazily, so the
-- plain form skips the slow clean-up (coalesce would evaluate both). The compiled checks put this
-- in a derived column, because ddgov_thai_id_number_ok names its argument fourteen times.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_number(v) AS
    CASE WHEN length(CAST(v AS VARCHAR)) = 13 AND TRY_CAST(CAST(v AS VARCHAR) AS BIGINT) IS NOT NULL
         THEN TRY_CAST(CAST(v AS VARCHAR) AS BIGINT)
         ELSE TRY_CAST(CASE WHEN length(ddgov_thai_id_digits(v)) = 13 THEN ddgov_thai_id_digits(v) END AS BIGINT)
    END;

-- A citizen ID: 13 digits, the first 1-8, the check digit right.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_number_ok(n) AS coalesce(
    n BETWEEN 1000000000000 AND 8999999999999
    AND (11 - (
          (n // 1000000000000) % 10 * 13 + (n // 100000000000) % 10 * 12
        + (n // 10000000000) % 10 * 11 + (n // 1000000000) % 10 * 10
        + (n // 100000000) % 10 * 9 + (n // 10000000) % 10 * 8
        + (n // 1000000) % 10 * 7 + (n // 100000) % 10 * 6
        + (n // 10000) % 10 * 5 + (n // 1000) % 10 * 4
        + (n // 100) % 10 * 3 + (n // 10) % 10 * 2
    ) % 11) % 10 = n % 10, false);

CREATE OR REPLACE TEMP MACRO ddgov_thai_citizen_id_ok(v) AS
    ddgov_thai_id_number_ok(ddgov_thai_id_number(v));

-- An area name without the prefix people write before it (จังหวัด, อำเภอ, ตำบล, แขวง; จ. อ. ต.).
-- Bangkok's districts keep เขต: the gazetteer spells them with it.
CREATE OR REPLACE TEMP MACRO ddgov_admin_name(v) AS
    regexp_replace(trim(CAST(v AS VARCHAR)), '^(จังหวัด|อำเภอ|ตำบล|แขวง|จ\.|อ\.|ต\.)\s*', '');
