-- 0002: the permission functions in PL/pgSQL, same logic as 0001.
-- A SQL-language function that cannot be inlined is planned again on every
-- call; PL/pgSQL keeps its plans for the life of the connection, which makes
-- a permission check several times cheaper on the hot read paths.

CREATE OR REPLACE FUNCTION mem0_level(ctx uuid, uid uuid) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lvl integer;
BEGIN
    IF uid IS NULL THEN
        SELECT CASE WHEN c.visibility = 'public' THEN 1 ELSE 0 END INTO lvl FROM contexts c WHERE c.id = ctx;
        RETURN COALESCE(lvl, 0);
    END IF;
    SELECT COALESCE(max(l), 0)::integer INTO lvl FROM (
            -- owning user
            SELECT 4 AS l FROM contexts c WHERE c.id = ctx AND c.owner_user = uid
            -- role in the owning team
            UNION ALL
            SELECT tm.role FROM contexts c JOIN team_members tm ON tm.team_id = c.owner_team
            WHERE c.id = ctx AND tm.user_id = uid
            -- org owners and admins are admins of every team-owned context of the org
            UNION ALL
            SELECT 3 FROM contexts c JOIN teams t ON t.id = c.owner_team
                JOIN org_members om ON om.org_id = t.org_id
            WHERE c.id = ctx AND om.user_id = uid AND om.role >= 3
            -- role in the owning org
            UNION ALL
            SELECT om.role FROM contexts c JOIN org_members om ON om.org_id = c.owner_org
            WHERE c.id = ctx AND om.user_id = uid
            -- grants to the user, a team of the user, an org of the user
            UNION ALL
            SELECT g.level FROM grants g WHERE g.context_id = ctx AND g.grantee_kind = 'user' AND g.grantee_id = uid
            UNION ALL
            SELECT g.level FROM grants g JOIN team_members tm ON tm.team_id = g.grantee_id
            WHERE g.context_id = ctx AND g.grantee_kind = 'team' AND tm.user_id = uid
            UNION ALL
            SELECT g.level FROM grants g JOIN org_members om ON om.org_id = g.grantee_id
            WHERE g.context_id = ctx AND g.grantee_kind = 'org' AND om.user_id = uid
            -- visibility 'org': every member of the owning org (or of the owning team's org) reads
            UNION ALL
            SELECT 1 FROM contexts c LEFT JOIN teams t ON t.id = c.owner_team
                JOIN org_members om ON om.org_id = COALESCE(c.owner_org, t.org_id)
            WHERE c.id = ctx AND c.visibility = 'org' AND om.user_id = uid
            -- visibility 'public': everyone reads, anonymous callers included
            UNION ALL
            SELECT 1 FROM contexts c WHERE c.id = ctx AND c.visibility = 'public'
        ) levels;
    RETURN lvl;
END
$$;

CREATE OR REPLACE FUNCTION mem0_member_contexts(uid uuid) RETURNS TABLE (context_id uuid, level integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
        SELECT cand.id, mem0_level(cand.id, uid) FROM (
            SELECT c.id FROM contexts c WHERE c.owner_user = uid
            UNION
            SELECT c.id FROM contexts c JOIN team_members tm ON tm.team_id = c.owner_team WHERE tm.user_id = uid
            UNION
            SELECT c.id FROM contexts c JOIN teams t ON t.id = c.owner_team
                JOIN org_members om ON om.org_id = t.org_id WHERE om.user_id = uid AND om.role >= 3
            UNION
            SELECT c.id FROM contexts c JOIN org_members om ON om.org_id = c.owner_org WHERE om.user_id = uid
            UNION
            SELECT g.context_id FROM grants g WHERE g.grantee_kind = 'user' AND g.grantee_id = uid
            UNION
            SELECT g.context_id FROM grants g JOIN team_members tm ON tm.team_id = g.grantee_id
            WHERE g.grantee_kind = 'team' AND tm.user_id = uid
            UNION
            SELECT g.context_id FROM grants g JOIN org_members om ON om.org_id = g.grantee_id
            WHERE g.grantee_kind = 'org' AND om.user_id = uid
            UNION
            SELECT c.id FROM contexts c JOIN teams t ON t.id = c.owner_team
                JOIN org_members om ON om.org_id = t.org_id WHERE c.visibility = 'org' AND om.user_id = uid
            UNION
            SELECT c.id FROM contexts c JOIN org_members om ON om.org_id = c.owner_org
            WHERE c.visibility = 'org' AND om.user_id = uid
        ) cand;
END
$$;
