"""Registered pipeline steps: heavy data work run on the engine layer (filled by part E)."""
