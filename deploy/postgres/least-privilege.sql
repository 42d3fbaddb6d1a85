-- One PostgreSQL role per service and database, none of them a superuser, each with only
-- what it needs. Run once by a superuser on a new server, with psql (docker: the init
-- script 10-least-privilege.sh beside this file passes the variables from the
-- environment; a managed server: the same command, see docs/security.md):
--
--   BACKEND_DB_PASSWORD=... ERASER_DB_PASSWORD=... RASA_DB_PASSWORD=... \
--   ACTIONS_DB_PASSWORD=... psql -v ON_ERROR_STOP=1 -f least-privilege.sql \
--        -v backend_db=backend -v tracker_db=tracker -v outbox_db=outbox \
--        -v backend_role=backend -v eraser_role=backend_eraser \
--        -v rasa_role=rasa -v actions_role=actions
--
-- The passwords are read from the environment (psql 15's \getenv), so they are never on
-- a command line.
--   backend          owns the backend's database (its migrations create its tables);
--                    no other database
--   backend_eraser   the backend's erasure and retention purge in the tracker store:
--                    DELETE on `events`, and SELECT on the two columns a DELETE's WHERE
--                    reads (sender_id, timestamp), never the encrypted event data
--   rasa             owns the tracker store's database and its `events` table
--   actions          owns the action servers' outbox database
-- Nobody else may even connect to a database (CONNECT is revoked from PUBLIC).

\set ON_ERROR_STOP on
\getenv backend_password BACKEND_DB_PASSWORD
\getenv eraser_password ERASER_DB_PASSWORD
\getenv rasa_password RASA_DB_PASSWORD
\getenv actions_password ACTIONS_DB_PASSWORD

CREATE ROLE :"backend_role" LOGIN PASSWORD :'backend_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE :"eraser_role" LOGIN PASSWORD :'eraser_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE :"rasa_role" LOGIN PASSWORD :'rasa_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE :"actions_role" LOGIN PASSWORD :'actions_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

CREATE DATABASE :"backend_db" OWNER :"backend_role";
CREATE DATABASE :"tracker_db" OWNER :"rasa_role";
CREATE DATABASE :"outbox_db" OWNER :"actions_role";
REVOKE ALL ON DATABASE :"backend_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"tracker_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"outbox_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"tracker_db" TO :"eraser_role";

-- The tracker store: Rasa's `events` table made here, exactly as Rasa 3.6 makes it
-- (rasa/core/tracker_store.py, SQLEvent; Rasa's own create_all then finds it), so the
-- eraser's grants can name its columns.
\connect :"tracker_db"
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"eraser_role";
SET ROLE :"rasa_role";
CREATE TABLE events (
    id SERIAL NOT NULL,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
RESET ROLE;
GRANT SELECT (sender_id, timestamp), DELETE ON events TO :"eraser_role";

\connect :"backend_db"
REVOKE ALL ON SCHEMA public FROM PUBLIC;

\connect :"outbox_db"
REVOKE ALL ON SCHEMA public FROM PUBLIC;
