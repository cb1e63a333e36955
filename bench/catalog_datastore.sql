-- A generated DataStore table in the ingestion's shape: _id BIGINT (1-based row number, in
-- order) first, then Thai province names, categories, amounts and dates. $rows and $path are
-- filled in by bench/catalog_datastore.py.
COPY (
    SELECT
        range + 1 AS _id,
        (['กรุงเทพมหานคร', 'เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต', 'สงขลา', 'นครราชสีมา', 'ชลบุรี', 'อุดรธานี',
          'เชียงราย', 'นครศรีธรรมราช', 'สุราษฎร์ธานี', 'อุบลราชธานี', 'พิษณุโลก', 'ระยอง', 'ลำปาง',
          'นครปฐม', 'สระบุรี', 'ตรัง', 'น่าน', 'กาญจนบุรี'])[(hash(range) % 20)::INTEGER + 1] AS "จังหวัด",
        (['เกษตร', 'สุขภาพ', 'การศึกษา', 'ท่องเที่ยว', 'แรงงาน', 'สวัสดิการ'])[(hash(range * 7) % 6)::INTEGER + 1]
            AS category,
        ((hash(range * 13) % 10000000) / 100.0)::DECIMAL(12, 2) AS amount,
        (hash(range * 3) % 5000)::INTEGER AS persons,
        DATE '2019-10-01' + (hash(range * 17) % 1800)::INTEGER AS recorded_on,
        'รายการเบิกจ่ายที่ ' || (range + 1) AS note
    FROM range($rows)
) TO '$path' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE $row_group_size);
