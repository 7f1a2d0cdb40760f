-- rel.operations as `rel team setup` created it before replicas were bound to roles
-- (schema 1): kept as a fixture so tests can check that setup upgrades such a database.

CREATE SCHEMA rel;

CREATE TABLE rel.operations (
            workspace text NOT NULL CHECK (workspace <> ''),
            replica   text NOT NULL CHECK (replica <> ''),
            seq       bigint NOT NULL CHECK (seq > 0),
            hlc       bigint NOT NULL,
            author    text NOT NULL DEFAULT current_user,
            op        json NOT NULL,
            pushed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workspace, replica, seq)
        );
        COMMENT ON TABLE rel.operations IS
            'rel team: every change of every member, append-only (schema 1)';

CREATE FUNCTION rel.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             RAISE EXCEPTION 'rel: the shared history is append-only; % refused', TG_OP
                 USING ERRCODE = 'insufficient_privilege';
         END $$;

CREATE FUNCTION rel.stamp_author() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             NEW.author := current_user;
             NEW.pushed_at := now();
             RETURN NEW;
         END $$;

CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE ON rel.operations
             FOR EACH ROW EXECUTE FUNCTION rel.refuse_history_change();

CREATE TRIGGER operations_no_truncate BEFORE TRUNCATE ON rel.operations
             FOR EACH STATEMENT EXECUTE FUNCTION rel.refuse_history_change();

CREATE TRIGGER operations_stamp_author BEFORE INSERT ON rel.operations
             FOR EACH ROW EXECUTE FUNCTION rel.stamp_author();
