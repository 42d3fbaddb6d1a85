"""Operations: the retention purge, the health check, and the commands run by hand (staff accounts, key rotation)."""
