-- Run once, when the PostgreSQL volume is first created (docker-entrypoint-initdb.d): the
-- action servers' shared outbox, a database of its own beside the backend's and the
-- tracker store's, owned by the same role. The action server creates its `outbox` table on
-- start. A volume created before this file existed has no such database; create it once:
--     docker compose exec postgres createdb -U assistant -O assistant outbox
CREATE DATABASE outbox OWNER assistant;
