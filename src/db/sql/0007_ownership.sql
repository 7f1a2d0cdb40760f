-- rel schema 7: ownership in a team workspace (the contract's "Team" section).
--
-- A contact's `owner` is the member responsible for it (a PostgreSQL role in a team
-- workspace), NULL when unowned: every contact written before this step stays unowned. An
-- interaction's `author` is the member who logged it, NULL outside a team. Both are synced
-- fields like any other column. Adding a column rewrites no row, so this step is instant at
-- any size.
ALTER TABLE contacts ADD COLUMN owner TEXT;
ALTER TABLE interactions ADD COLUMN author TEXT;

-- No index on owner: `rel due` filters the rows its due-date walks read anyway (an owner
-- index would tempt the planner away from those walks), and `rel list` reads every contact.

-- Who "this member" is in a team workspace: the PostgreSQL role `rel sync init --postgres`
-- connected as (NULL for folder and git remotes, which have no members).
ALTER TABLE sync_remote ADD COLUMN member TEXT;
