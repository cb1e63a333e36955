-- Macros of the profiler (ddgov.governance.profiling.engine), loaded into its private DuckDB.
-- Every per-cell test runs on every row of large tables, so each starts with a cheap test
-- (length, first character, byte count) and runs a regular expression only when it must.

-- Whether a text has a character outside ASCII (more bytes than characters).
CREATE OR REPLACE MACRO ddgov_prof_non_ascii(s) AS strlen(s) > length(s);

-- Whether a text starts with an ASCII or a Thai digit.
CREATE OR REPLACE MACRO ddgov_prof_digit_first(s) AS
    ascii(s) BETWEEN 48 AND 57 OR ascii(s) BETWEEN 3664 AND 3673;

-- Whether a text is empty or only white space (incl. no-break and zero-width spaces).
CREATE OR REPLACE MACRO ddgov_prof_blank(s) AS
    CASE WHEN ascii(s) IN (0, 9, 10, 13, 32, 160, 8203)
         THEN length(s) = 0 OR regexp_full_match(s, '[\s\x{A0}\x{200B}]+') ELSE false END;

-- Whether a text has Thai digits (๐-๙).
CREATE OR REPLACE MACRO ddgov_prof_thai_digits(s) AS
    CASE WHEN ddgov_prof_non_ascii(s) THEN regexp_matches(s, '[๐-๙]') ELSE false END;

-- Whether a text holds a Buddhist-era year (2400-2700, ASCII or Thai digits) on its own or in a
-- date such as "17/05/2566", "2566-05-17", "17 พ.ค. 2566" or "พ.ศ. ๒๕๖๖" — not inside a longer number.
CREATE OR REPLACE MACRO ddgov_prof_be_text(s) AS
    CASE WHEN contains(s, '2') OR (ddgov_prof_non_ascii(s) AND contains(s, '๒'))
         THEN regexp_matches(s, '(^|[^0-9๐-๙])([2๒][4-6๔-๖][0-9๐-๙][0-9๐-๙]|[2๒][7๗][0๐][0๐])([^0-9๐-๙]|$)')
         ELSE false END;

-- A text cell written as a 13-digit number in any form people use (plain, dashed, spaced,
-- dotted, Thai digits, Unicode dashes) as a BIGINT, else NULL. Only cells of 13 to 24
-- characters that start with a digit go on; plain 13-character cells are cast as they are,
-- others lose their separators; only non-ASCII cells pay for translating Thai digits.
-- A result between 10^12 and 9*10^12 (see ddgov_prof_id_ok) has exactly 13 digits.
CREATE OR REPLACE MACRO ddgov_prof_id_number(s) AS
    CASE WHEN NOT (length(s) BETWEEN 13 AND 24 AND ddgov_prof_digit_first(s)) THEN NULL
         WHEN ddgov_prof_non_ascii(s) THEN TRY_CAST(replace(replace(replace(regexp_replace(
                  translate(s, '๐๑๒๓๔๕๖๗๘๙', '0123456789'), '[\x{2010}-\x{2015}]', '', 'g'),
                  '-', ''), ' ', ''), '.', '') AS BIGINT)
         WHEN length(s) = 13 THEN TRY_CAST(s AS BIGINT)
         ELSE coalesce(TRY_CAST(replace(s, '-', '') AS BIGINT),
                       TRY_CAST(replace(replace(replace(s, '-', ''), ' ', ''), '.', '') AS BIGINT)) END;

-- Whether a 13-digit number is a citizen ID: first digit 1-8 (the registration type; juristic
-- persons' IDs start with 0) and the mod-11 check digit of ddgov.identity.thaiid, in integer
-- arithmetic on the number (no strings, no casts per digit).
CREATE OR REPLACE MACRO ddgov_prof_id_ok(n) AS
    coalesce(n BETWEEN 1000000000000 AND 8999999999999
        AND (11 - (  (n // 1000000000000) % 10 * 13 + (n // 100000000000) % 10 * 12
                   + (n // 10000000000) % 10 * 11   + (n // 1000000000) % 10 * 10
                   + (n // 100000000) % 10 * 9      + (n // 10000000) % 10 * 8
                   + (n // 1000000) % 10 * 7        + (n // 100000) % 10 * 6
                   + (n // 10000) % 10 * 5          + (n // 1000) % 10 * 4
                   + (n // 100) % 10 * 3            + (n // 10) % 10 * 2) % 11) % 10 = n % 10,
        false);

-- The shape of a value: ASCII and Thai digits -> 9 and ๙, Latin letters -> A/a, Thai letters,
-- vowels and tone marks -> ก; everything else is kept. Long values are cut to 40 characters + "…".
CREATE OR REPLACE MACRO ddgov_prof_pattern(v) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        left(v, 40), '[0-9]', '9', 'g'), '[๐-๙]', '๙', 'g'), '[A-Z]', 'A', 'g'), '[a-z]', 'a', 'g'),
        '[\x{0E01}-\x{0E3A}\x{0E40}-\x{0E4E}]', 'ก', 'g')
    || CASE WHEN length(v) > 40 THEN '…' ELSE '' END;

-- A place name reduced for comparison: NFC, one form of sara am, lower case, no spaces, and
-- without the words people put before or after it ("จังหวัด", "อ.", "เขต", "Province", …).
CREATE OR REPLACE MACRO ddgov_prof_place(v) AS
    regexp_replace(
        regexp_replace(lower(nfc_normalize(replace(trim(v), 'ํา', 'ำ'))),
            '^(จังหวัด|จ\.|กิ่งอำเภอ|อำเภอ|อ\.|เขต|ตำบล|ต\.|แขวง|changwat|amphoe|khet|tambon|khwaeng)\s*'
            || '|\s+(province|district|sub-district|subdistrict)$', '', 'g'),
        '[\s\x{200B}]+', '', 'g');
