-- Parsing rules of the ingestion pipeline, as DuckDB macros over VARCHAR cells.
--
-- Every macro returns NULL when a value does not fit, never raises: inference counts the NULLs
-- ("values that fail each candidate cast") and the writer turns a NULL from a non-missing cell
-- into an error (see ddgov_strict). Intermediate results (number text, date parts) are computed
-- once per cell in inner projections (infer.layered) and read by the outer macros, which keeps
-- the expanded expressions small for tables with many columns.

-- A trimmed cell, NULL for the missing-value markers; Thai digits become ASCII digits.
-- (The marker list is substituted from ddgov.catalog.ingest.rules.MISSING_VALUES.)
-- DuckDB's trim() removes Unicode spaces (incl. NBSP); tabs, line breaks, zero-width spaces and
-- stray BOMs at either end take the slower explicit trim.
CREATE OR REPLACE MACRO ddgov_odd_edge(v) AS
    ascii(v) IN (9, 10, 13, 8203, 65279)
    OR suffix(v, chr(9)) OR suffix(v, chr(10)) OR suffix(v, chr(13)) OR suffix(v, chr(8203));
CREATE OR REPLACE MACRO ddgov_trim(v) AS
    CASE WHEN ddgov_odd_edge(v) THEN trim(v, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(8203) || chr(65279) || chr(12288))
         ELSE trim(v) END;
-- Values longer than 64 bytes are text as written (no marker, number or date is that long), which
-- keeps long Thai text cheap.
-- Missing-value markers are short: only cells of at most 16 bytes are trimmed and compared.
CREATE OR REPLACE MACRO ddgov_is_missing(v) AS v IS NULL OR (strlen(v) <= 16 AND trim(v) IN ({missing}));
-- Exactly one of the markers DuckDB's CSV reader turns into NULL itself (the fast path).
CREATE OR REPLACE MACRO ddgov_is_nullstr(v) AS v IN ({nullstr});
CREATE OR REPLACE MACRO ddgov_t(v) AS
    CASE WHEN v IS NULL THEN NULL
         WHEN strlen(v) > 64 THEN v
         WHEN strlen(v) <= 16 AND ddgov_trim(v) IN ({missing}) THEN NULL
         WHEN strlen(v) <> length(v) AND regexp_matches(v, '[๐-๙]')
         THEN translate(ddgov_trim(v), '๐๑๒๓๔๕๖๗๘๙', '0123456789')
         ELSE ddgov_trim(v) END;

-- Numbers: "1,234,567.89" (correct thousands grouping only), "-12", ".5", "1e6".
-- ddgov_numtext is computed once per cell; ddgov_num_of / ddgov_int_of read its result.
CREATE OR REPLACE MACRO ddgov_numtext(t) AS
    CASE WHEN NOT contains(t, ',') THEN t
         WHEN regexp_full_match(t, '[+-]?\d{1,3}(,\d{3})+(\.\d*)?') THEN replace(t, ',', '')
         ELSE NULL END;
CREATE OR REPLACE MACRO ddgov_num_of(nt) AS
    CASE WHEN regexp_full_match(nt, '[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?') THEN CAST(nt AS DOUBLE) END;
CREATE OR REPLACE MACRO ddgov_int_of(nt) AS
    CASE WHEN regexp_full_match(nt, '[+-]?\d{1,18}(\.0*)?') THEN CAST(split_part(nt, '.', 1) AS BIGINT) END;
CREATE OR REPLACE MACRO ddgov_number(t) AS ddgov_num_of(ddgov_numtext(t));
CREATE OR REPLACE MACRO ddgov_integer(t) AS ddgov_int_of(ddgov_numtext(t));
-- Codes such as "007" or "0812345678" keep their zeros: such a column stays text.
CREATE OR REPLACE MACRO ddgov_leading_zero(t) AS regexp_matches(t, '^[+-]?0\d\d');

CREATE OR REPLACE MACRO ddgov_boolean(t) AS
    CASE lower(t) WHEN 'true' THEN true WHEN 'false' THEN false WHEN 'yes' THEN true
                  WHEN 'no' THEN false WHEN 'ใช่' THEN true WHEN 'ไม่ใช่' THEN false END;

-- A year: mode 'auto' converts Buddhist-era years (>= 2400) and keeps others, 'be' requires
-- Buddhist-era years, 'ce' keeps the number. Two-digit years are Buddhist era ("67" = 2567)
-- unless the mode is 'ce' ("23" = 2023).
CREATE OR REPLACE MACRO ddgov_year_of(ys, mode) AS
    CASE WHEN length(ys) = 2 THEN
              CASE WHEN mode = 'ce' THEN 2000 + CAST(ys AS INTEGER)
                   ELSE 2500 + CAST(ys AS INTEGER) - 543 END
         WHEN length(ys) <> 4 THEN NULL
         WHEN mode = 'ce' THEN CAST(ys AS INTEGER)
         WHEN CAST(ys AS INTEGER) >= 2400 THEN CAST(ys AS INTEGER) - 543
         WHEN mode = 'be' THEN NULL
         ELSE CAST(ys AS INTEGER) END;
-- Two-digit year numbers are accepted only when the calendar is stated (a steward's correction).
CREATE OR REPLACE MACRO ddgov_year(i, mode) AS
    CASE WHEN i IS NULL THEN NULL
         WHEN i BETWEEN 0 AND 99 AND mode = 'be' THEN CAST(2500 + i - 543 AS INTEGER)
         WHEN i BETWEEN 0 AND 99 AND mode = 'ce' THEN CAST(2000 + i AS INTEGER)
         WHEN mode = 'ce' THEN CASE WHEN i BETWEEN 1000 AND 2999 THEN CAST(i AS INTEGER) END
         WHEN i BETWEEN 2400 AND 2799 THEN CAST(i - 543 AS INTEGER)
         WHEN mode = 'be' THEN NULL
         WHEN i BETWEEN 1000 AND 2399 THEN CAST(i AS INTEGER) END;

-- Thai, abbreviated Thai and English month names -> 1..12.
CREATE OR REPLACE MACRO ddgov_month(name) AS
    ((list_position(
        ['มค', 'กพ', 'มีค', 'เมย', 'พค', 'มิย', 'กค', 'สค', 'กย', 'ตค', 'พย', 'ธค',
         'มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน',
         'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม',
         'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec',
         'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
         'september', 'october', 'november', 'december'],
        lower(replace(replace(name, '.', ''), ' ', ''))) - 1) % 12) + 1;

-- Dates and times in the forms Thai data uses: 2023-05-17, 2566-05-17, 17/05/2566, 17-5-66,
-- 17.05.2566 (not 2566.05.17: dotted year-first values are usually references), "9 ธ.ค. 67", "2-ธ.ค.-67", "17 พฤษภาคม 2566", each optionally followed by a time
-- ("08:28", "08.28 น.", "10:23:45.5", "T10:23:45+07:00").
-- ddgov_dt_parts (one regular expression) and ddgov_dt_norm run once per cell; the date and
-- datetime macros read the normalised struct: year text, month and day for both day orders,
-- and the time of day in seconds (NULL without a time, -1 for an impossible one).
CREATE OR REPLACE MACRO ddgov_starts_digit(t) AS ascii(t) BETWEEN 48 AND 57;
CREATE OR REPLACE MACRO ddgov_dt_parts(t) AS regexp_extract(CASE WHEN ddgov_starts_digit(t) THEN t ELSE '' END,
    '^(?:(\d{4})[-/](\d{1,2})[-/](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})|(\d{1,2})[ \-/]*([^\d \-/,:][^\d,:]*?)[ \-/,]*(\d{4}|\d{2}))(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}(?:\.\d+)?))?(?: *น\.?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$',
    ['y1', 'm1', 'd1', 'a2', 'b2', 'y2', 'd3', 'n3', 'y3', 'hh', 'mi', 'ss']);
CREATE OR REPLACE MACRO ddgov_dt_norm(p) AS struct_pack(
    ys := CASE WHEN p.y1 <> '' THEN p.y1 WHEN p.y2 <> '' THEN p.y2 ELSE p.y3 END,
    m_dmy := CASE WHEN p.y1 <> '' THEN TRY_CAST(p.m1 AS INTEGER) WHEN p.y2 <> '' THEN TRY_CAST(p.b2 AS INTEGER)
                  WHEN p.y3 <> '' THEN ddgov_month(p.n3) END,
    d_dmy := TRY_CAST(CASE WHEN p.y1 <> '' THEN p.d1 WHEN p.y2 <> '' THEN p.a2 ELSE p.d3 END AS INTEGER),
    m_mdy := CASE WHEN p.y1 <> '' THEN TRY_CAST(p.m1 AS INTEGER) WHEN p.y2 <> '' THEN TRY_CAST(p.a2 AS INTEGER)
                  WHEN p.y3 <> '' THEN ddgov_month(p.n3) END,
    d_mdy := TRY_CAST(CASE WHEN p.y1 <> '' THEN p.d1 WHEN p.y2 <> '' THEN p.b2 ELSE p.d3 END AS INTEGER),
    tod := CASE WHEN p.hh = '' THEN NULL
                WHEN TRY_CAST(p.hh AS INTEGER) BETWEEN 0 AND 23 AND TRY_CAST(p.mi AS INTEGER) BETWEEN 0 AND 59
                     AND coalesce(TRY_CAST(nullif(p.ss, '') AS DOUBLE), 0) < 60
                THEN CAST(p.hh AS INTEGER) * 3600 + CAST(p.mi AS INTEGER) * 60
                     + coalesce(TRY_CAST(nullif(p.ss, '') AS DOUBLE), 0)
                ELSE -1 END);
CREATE OR REPLACE MACRO ddgov_ymd(ys, m, d, mode) AS
    CASE WHEN m BETWEEN 1 AND 12 AND d BETWEEN 1 AND 31 THEN try(make_date(ddgov_year_of(ys, mode), m, d)) END;
-- A date: only values without a time of day (or at midnight).
CREATE OR REPLACE MACRO ddgov_date_of(q, mode, ord) AS
    CASE WHEN coalesce(q.tod, 0) = 0 THEN
         CASE WHEN ord = 'mdy' THEN ddgov_ymd(q.ys, q.m_mdy, q.d_mdy, mode)
              ELSE ddgov_ymd(q.ys, q.m_dmy, q.d_dmy, mode) END END;
CREATE OR REPLACE MACRO ddgov_datetime_of(q, mode, ord) AS
    CASE WHEN coalesce(q.tod, 0) >= 0 THEN
         CAST(CASE WHEN ord = 'mdy' THEN ddgov_ymd(q.ys, q.m_mdy, q.d_mdy, mode)
                   ELSE ddgov_ymd(q.ys, q.m_dmy, q.d_dmy, mode) END AS TIMESTAMP)
         + to_microseconds(CAST(round(coalesce(q.tod, 0) * 1000000) AS BIGINT)) END;
-- The two commonest forms ("17/05/2566", "2023-05-17"), parsed from the cell split once (``s``)
-- and its year number (``y``) when a whole column uses one of them: much cheaper than the
-- general expression. Anything else in the cell makes a part fail to be a number (NULL).
CREATE OR REPLACE MACRO ddgov_date_dmy4(s, y, mode, ord) AS
    CASE WHEN len(s) = 3 AND strlen(s[3]) = 4 AND strlen(s[1]) <= 2 AND strlen(s[2]) <= 2 THEN
         try(make_date(ddgov_year(y, mode),
                       TRY_CAST(s[CASE WHEN ord = 'mdy' THEN 1 ELSE 2 END] AS UTINYINT),
                       TRY_CAST(s[CASE WHEN ord = 'mdy' THEN 2 ELSE 1 END] AS UTINYINT))) END;
CREATE OR REPLACE MACRO ddgov_date_iso(s, y, mode) AS
    CASE WHEN len(s) = 3 AND strlen(s[1]) = 4 AND strlen(s[2]) = 2 AND strlen(s[3]) = 2 THEN
         try(make_date(ddgov_year(y, mode), TRY_CAST(s[2] AS UTINYINT), TRY_CAST(s[3] AS UTINYINT))) END;
-- Whether the value is written in the Buddhist era (a four-digit year >= 2400 or two digits).
CREATE OR REPLACE MACRO ddgov_dt_is_be(q) AS length(q.ys) = 2 OR TRY_CAST(q.ys AS INTEGER) >= 2400;

-- A number followed by a unit: "120 kW", "12.5%", "1,200 บาท".
CREATE OR REPLACE MACRO ddgov_unit_parts(t) AS
    regexp_extract(CASE WHEN ascii(t) BETWEEN 43 AND 57 THEN t ELSE '' END,
                   '^([+-]?[\d,]*\.?\d+) *([^\d\s.,+\-][^\d]*?)$', ['n', 'u']);

-- HTML character references left in text by web exports ("&#34;", "&amp;").
CREATE OR REPLACE MACRO ddgov_has_entities(v) AS contains(v, '&') AND regexp_matches(v, '&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});');
CREATE OR REPLACE MACRO ddgov_unescape(v) AS
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(v,
        '&#34;', '"'), '&quot;', '"'), '&#39;', ''''), '&apos;', ''''), '&lt;', '<'), '&gt;', '>'),
        '&nbsp;', ' '), '&#160;', ' '), '&#38;', '&'), '&amp;', '&');

-- A text cell as stored: missing markers become NULL, everything else is kept as written.
CREATE OR REPLACE MACRO ddgov_text(v) AS CASE WHEN ddgov_is_missing(v) THEN NULL ELSE v END;

-- Raise instead of silently losing a value that does not fit the column's type.
CREATE OR REPLACE MACRO ddgov_strict(value, cell, label) AS
    CASE WHEN cell IS NULL THEN NULL
         ELSE coalesce(value, error('ddgov-bad-value|' || label || '|' || left(cell, 60))) END;
