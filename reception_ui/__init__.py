"""The staff app and managers' reports: its blueprint arrives with the staff-app issue."""
