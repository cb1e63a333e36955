-- Used by the pipeline tests only: a step that would publish citizen IDs (governance refuses it).
SELECT citizen_id, province FROM {households} LIMIT {k}
