-- 0004: every change to who can read what (memberships, teams, grants,
-- context ownership and visibility) notifies all server instances, which
-- drop their cached readable-context sets (see sessions.go). Triggers, so
-- no code path can forget. The change counter update on contexts (seq)
-- does not fire them.
CREATE FUNCTION mem0_acl_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mem0_sessions', 'acl');
    RETURN NULL;
END
$$;

CREATE TRIGGER org_members_acl AFTER INSERT OR UPDATE OR DELETE ON org_members FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER team_members_acl AFTER INSERT OR UPDATE OR DELETE ON team_members FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER teams_acl AFTER INSERT OR UPDATE OR DELETE ON teams FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER grants_acl AFTER INSERT OR UPDATE OR DELETE ON grants FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER contexts_acl_rows AFTER INSERT OR DELETE ON contexts FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER contexts_acl_owner AFTER UPDATE OF owner_user, owner_team, owner_org, visibility ON contexts FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER orgs_acl AFTER DELETE ON orgs FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
CREATE TRIGGER users_acl AFTER DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION mem0_acl_changed();
