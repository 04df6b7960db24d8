-- Run once by the postgres image on an empty data directory (mounted into
-- /docker-entrypoint-initdb.d by docker-compose.yml). One database per service;
-- each service creates and upgrades its own schema with `python -m <service>.migrate`.
CREATE DATABASE programmes;
CREATE DATABASE grants;
CREATE DATABASE metrics;
CREATE DATABASE gateway;
