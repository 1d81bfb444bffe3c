"""Expected payment: payer contracts and fee schedules, the expected allowed amount of each
claim line, the variance of each posted line against it, and recoupments traced back to the
claim line whose money they took."""
