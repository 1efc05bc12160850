-- 0001: accounts, organisations, teams, contexts, memories, sync and audit.
-- A landed migration is never edited; add a new numbered file instead.

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    username            text NOT NULL UNIQUE,
    password_hash       text NOT NULL,
    is_admin            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- A session is one refresh-token family: every rotation stays in it, and
-- revoking the session ends every token of the family at once.
CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    scope        text NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE invites (
    code_hash  bytea PRIMARY KEY,
    created_by uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_by    uuid REFERENCES users ON DELETE SET NULL,
    used_at    timestamptz
);

-- Roles are stored as levels: 1 viewer/read, 2 member/write, 3 admin, 4 owner.
CREATE TABLE orgs (
    id         uuid PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE org_members (
    org_id  uuid NOT NULL REFERENCES orgs ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    role    smallint NOT NULL CHECK (role BETWEEN 1 AND 4),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members (user_id);

CREATE TABLE teams (
    id         uuid PRIMARY KEY,
    org_id     uuid NOT NULL REFERENCES orgs ON DELETE CASCADE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

CREATE TABLE team_members (
    team_id uuid NOT NULL REFERENCES teams ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    role    smallint NOT NULL CHECK (role BETWEEN 1 AND 4),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- seq is the context's change counter. Every write to a memory of the
-- context takes the context row lock (UPDATE ... SET seq = seq + n) inside
-- the writing transaction, so per context the counter order is the commit
-- order and a pull cursor can never skip a change.
CREATE TABLE contexts (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    owner_user  uuid REFERENCES users ON DELETE CASCADE,
    owner_team  uuid REFERENCES teams ON DELETE CASCADE,
    owner_org   uuid REFERENCES orgs ON DELETE CASCADE,
    visibility  text NOT NULL CHECK (visibility IN ('private', 'team', 'org', 'public')),
    seq         bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(owner_user, owner_team, owner_org) = 1)
);
CREATE INDEX contexts_owner_user ON contexts (owner_user);
CREATE INDEX contexts_owner_team ON contexts (owner_team);
CREATE INDEX contexts_owner_org ON contexts (owner_org);
CREATE INDEX contexts_public ON contexts (id) WHERE visibility = 'public';

CREATE TABLE grants (
    id           uuid PRIMARY KEY,
    context_id   uuid NOT NULL REFERENCES contexts ON DELETE CASCADE,
    grantee_kind text NOT NULL CHECK (grantee_kind IN ('user', 'team', 'org')),
    grantee_id   uuid NOT NULL,
    level        smallint NOT NULL CHECK (level IN (1, 2)),
    created_by   uuid REFERENCES users ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (context_id, grantee_kind, grantee_id)
);
CREATE INDEX grants_grantee ON grants (grantee_kind, grantee_id);

CREATE TABLE memories (
    id         uuid PRIMARY KEY,
    context_id uuid NOT NULL REFERENCES contexts ON DELETE CASCADE,
    kind       text NOT NULL,
    content    text NOT NULL,
    metadata   jsonb NOT NULL DEFAULT '{}',
    tags       text[] NOT NULL DEFAULT '{}',
    source     text NOT NULL,
    author_id  uuid REFERENCES users ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    device_id  text NOT NULL DEFAULT '',
    version    integer NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    seq        bigint NOT NULL,
    tsv        tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED
);
CREATE INDEX memories_context_seq ON memories (context_id, seq);
CREATE INDEX memories_context_id ON memories (context_id, id);
CREATE INDEX memories_tsv ON memories USING gin (tsv);

-- Every replaced version of a memory, including the losers of conflicts.
CREATE TABLE memory_history (
    id          bigserial PRIMARY KEY,
    memory_id   uuid NOT NULL REFERENCES memories ON DELETE CASCADE,
    version     integer NOT NULL,
    kind        text NOT NULL,
    content     text NOT NULL,
    metadata    jsonb NOT NULL,
    tags        text[] NOT NULL,
    source      text NOT NULL,
    author_id   uuid,
    updated_at  timestamptz NOT NULL,
    device_id   text NOT NULL,
    deleted     boolean NOT NULL,
    reason      text NOT NULL CHECK (reason IN ('update', 'delete', 'conflict', 'restore')),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX memory_history_memory ON memory_history (memory_id, id);

-- Pushed operation ids, so a replayed push returns the first result.
CREATE TABLE sync_ops (
    user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    op_id      uuid NOT NULL,
    result     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, op_id)
);

CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid,
    actor_name  text NOT NULL DEFAULT '',
    action      text NOT NULL,
    org_id      uuid,
    target_type text NOT NULL DEFAULT '',
    target_id   text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_org ON audit_events (org_id, id);

-- mem0_level is the single definition of a user's effective level on a
-- context (0 none, 1 read, 2 write, 3 admin, 4 owner), implementing the
-- permission table of ARCHITECTURE.md. Every query that reads user data
-- filters on it; the Go policy (policy.go) maps levels to actions.
CREATE FUNCTION mem0_level(ctx uuid, uid uuid) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(l), 0)::integer FROM (
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
    ) levels
$$;

-- mem0_member_contexts lists the contexts a user reaches through ownership,
-- membership, grants or org visibility (not through public visibility alone),
-- with the level mem0_level computes. It is the sync set and the default
-- listing; the union only narrows which contexts mem0_level is asked about.
CREATE FUNCTION mem0_member_contexts(uid uuid) RETURNS TABLE (context_id uuid, level integer)
LANGUAGE sql STABLE AS $$
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
    ) cand
$$;
