-- One database and one role per service (each service owns its data), plus the shared API-key database.
-- Run once by the postgres image on an empty volume (docker-entrypoint-initdb.d).
CREATE ROLE enrollment LOGIN PASSWORD 'enrollment';
CREATE DATABASE enrollment OWNER enrollment;
CREATE ROLE placement LOGIN PASSWORD 'placement';
CREATE DATABASE placement OWNER placement;
CREATE ROLE partnership LOGIN PASSWORD 'partnership';
CREATE DATABASE partnership OWNER partnership;
CREATE ROLE alliance LOGIN PASSWORD 'alliance';
CREATE DATABASE alliance OWNER alliance;
CREATE ROLE reporting LOGIN PASSWORD 'reporting';
CREATE DATABASE reporting OWNER reporting;
CREATE ROLE chanjiao_auth LOGIN PASSWORD 'chanjiao_auth';
CREATE DATABASE chanjiao_auth OWNER chanjiao_auth;
