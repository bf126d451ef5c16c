// Intentionally empty: the project template's global script.
