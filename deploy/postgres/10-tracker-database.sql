-- Run once, when the PostgreSQL volume is first created (docker-entrypoint-initdb.d): the
-- tracker store's database beside the backend's, owned by the same role. Rasa creates its
-- `events` table on first start; the backend migrates its own database.
CREATE DATABASE tracker OWNER assistant;
