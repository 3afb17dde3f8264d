"""The use cases: one function each, owning its transaction (DESIGN §6)."""
