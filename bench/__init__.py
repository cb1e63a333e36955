"""ddgov benchmarks: each prints its figures side by side with a baseline run in the same process."""
