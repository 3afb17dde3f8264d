"""The day simulator: scenarios (scenario.py) run through the real service layer (runner.py)."""
