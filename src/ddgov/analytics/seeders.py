"""Demo data of the analytics app (the farmer Big Data prototype)."""
