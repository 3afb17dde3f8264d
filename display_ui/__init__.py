"""The lobby screen: its blueprint arrives with the display issue."""
