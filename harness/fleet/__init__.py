"""Fleet data for the migrations-on-data check (harness/populated.py)."""
