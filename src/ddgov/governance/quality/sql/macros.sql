-- Macros the compiled quality checks call (created as TEMP macros on each connection).
--
-- Thai 13-digit ID numbers: the check digit is (11 - sum(d_i * (13 - i)) mod 11) mod 10 over
-- the first twelve digits (as in ddgov.identity.thaiid). Arithmetic on the number is ~10x faster
-- in DuckDB than string slicing, so the number is parsed once and its digits never taken apart
-- one by one (see ddgov_thai_id_number_ok).

-- Thai digits to Arabic, separators (space, dash, typographic dashes, dot) removed.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_digits(v) AS
    regexp_replace(translate(CAST(v AS VARCHAR), '๐๑๒๓๔๕๖๗๘๙', '0123456789'), '[\s.\-\x{2010}-\x{2015}]', '', 'g');

-- Step 1, the common case: text of exactly 13 bytes that DuckDB reads as a number. Only a guess:
-- the cast also accepts '+', '_', '1234567891e03' or '0x…', which step 2 rules out.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_plain(v) AS
    CASE WHEN strlen(CAST(v AS VARCHAR)) = 13 THEN TRY_CAST(CAST(v AS VARCHAR) AS BIGINT) END;

-- Step 2: keep the guess only when the text is exactly the number's digits; otherwise (dashes,
-- spaces, Thai digits, anything odd) clean the text up and accept exactly 13 digits. CASE is
-- evaluated lazily, so only the rare rows pay for the clean-up (coalesce would evaluate both).
-- The compiled checks compute step 1 and step 2 as two derived columns, each once per row.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_resolve(v, guess) AS
    CASE WHEN guess IS NOT NULL AND CAST(guess AS VARCHAR) = CAST(v AS VARCHAR) THEN guess
         WHEN regexp_full_match(ddgov_thai_id_digits(v), '[0-9]{13}') THEN CAST(ddgov_thai_id_digits(v) AS BIGINT)
    END;

-- The ID as a number when it is written with exactly 13 digits (NULL otherwise).
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_number(v) AS
    ddgov_thai_id_resolve(v, ddgov_thai_id_plain(v));

-- A citizen ID: 13 digits, the first 1-8, the check digit right. With q_k = n // 10^(k+1) (the
-- number without its last k+1 digits) and d_k the k-th digit from the right of q_0, the weighted
-- sum is sum((k + 2) * d_k) = 2 * q_0 - sum((9k + 8) * q_k for k = 1..11), since
-- d_k = q_k - 10 * q_(k+1) (the same sum regrouped, so it stays positive): eleven divisions and
-- no remainders instead of twelve of each. The arithmetic is in DOUBLE, which DuckDB divides
-- without the checks of integer division: exact here, as n < 2^53 and floor(n / 10^k) of the
-- correctly rounded quotient is off only when 10^-k < ulp(n / 10^k) / 2, which n < 10^13 rules out.
-- Together about half the time of taking twelve digits apart.
CREATE OR REPLACE TEMP MACRO ddgov_thai_id_number_ok(n) AS coalesce(
    n BETWEEN 1000000000000 AND 8999999999999
    AND (11 - (
          2 * floor(n / 1e1)
        - floor(n / 1e2) * 17 - floor(n / 1e3) * 26 - floor(n / 1e4) * 35 - floor(n / 1e5) * 44
        - floor(n / 1e6) * 53 - floor(n / 1e7) * 62 - floor(n / 1e8) * 71 - floor(n / 1e9) * 80
        - floor(n / 1e10) * 89 - floor(n / 1e11) * 98 - floor(n / 1e12) * 107
    ) % 11) % 10 = n - 10 * floor(n / 1e1), false);

CREATE OR REPLACE TEMP MACRO ddgov_thai_citizen_id_ok(v) AS
    ddgov_thai_id_number_ok(ddgov_thai_id_number(v));

-- An area name without the prefix people write before it (จังหวัด, อำเภอ, ตำบล, แขวง; จ. อ. ต.).
-- Bangkok's districts keep เขต: the gazetteer spells them with it.
CREATE OR REPLACE TEMP MACRO ddgov_admin_name(v) AS
    regexp_replace(trim(CAST(v AS VARCHAR)), '^(จังหวัด|อำเภอ|ตำบล|แขวง|จ\.|อ\.|ต\.)\s*', '');
