package server

import "fmt"

// Level is a permission level on a context, or a role in a team or org.
// Roles map to levels: viewer→read, member→write, admin→admin, owner→owner.
type Level int

const (
	LevelNone Level = iota
	LevelRead
	LevelWrite
	LevelAdmin
	LevelOwner
)

func (l Level) String() string {
	switch l {
	case LevelRead:
		return "read"
	case LevelWrite:
		return "write"
	case LevelAdmin:
		return "admin"
	case LevelOwner:
		return "owner"
	}
	return "none"
}

// RoleName is the name of an org or team role at level l.
func (l Level) RoleName() string {
	switch l {
	case LevelRead:
		return "viewer"
	case LevelWrite:
		return "member"
	case LevelAdmin:
		return "admin"
	case LevelOwner:
		return "owner"
	}
	return "none"
}

func parseRole(s string) (Level, error) {
	switch s {
	case "viewer":
		return LevelRead, nil
	case "member":
		return LevelWrite, nil
	case "admin":
		return LevelAdmin, nil
	case "owner":
		return LevelOwner, nil
	}
	return 0, badRequest("role must be owner, admin, member or viewer")
}

func parseGrantLevel(s string) (Level, error) {
	switch s {
	case "read":
		return LevelRead, nil
	case "write":
		return LevelWrite, nil
	}
	return 0, badRequest("level must be read or write")
}

// Action is something a caller wants to do on a context, or on an org or
// team (where the level is the caller's role there).
type Action int

const (
	ActRead            Action = iota + 1 // list/get/search memories, pull, see a context
	ActWrite                             // add a memory
	ActEditOwn                           // edit or delete your own memory
	ActEditOthers                        // edit or delete someone else's memory
	ActManage                            // share, unshare, rename, change visibility, see who has access
	ActDelete                            // delete a context
	ActTransfer                          // transfer ownership of a context
	ActOrgView                           // see an org or team and its members
	ActOrgManage                         // manage teams, members and roles
	ActOrgManageOwners                   // add, remove, promote or demote owners
	ActOrgDelete                         // delete an org or team
	ActAudit                             // read an org's audit log
)

// required is the permission table of ARCHITECTURE.md.
func required(a Action) Level {
	switch a {
	case ActRead, ActOrgView:
		return LevelRead
	case ActWrite, ActEditOwn:
		return LevelWrite
	case ActEditOthers, ActManage, ActOrgManage, ActAudit:
		return LevelAdmin
	case ActDelete, ActTransfer, ActOrgManageOwners, ActOrgDelete:
		return LevelOwner
	}
	panic(fmt.Sprintf("policy: unknown action %d", a))
}

// authorize is the one policy function every route goes through. lvl is the
// caller's effective level (computed by mem0_level in SQL, or their role);
// the credential may cap it (API keys). A caller who cannot even read gets
// ErrNotFound so existence does not leak; one who can read but not do a is
// told ErrForbidden.
func authorize(p *Principal, lvl Level, a Action) error {
	lvl = capLevel(p, lvl)
	if lvl >= required(a) && lvl > LevelNone {
		return nil
	}
	if lvl >= LevelRead {
		return ErrForbidden
	}
	return ErrNotFound
}

// capLevel limits lvl to what the caller's credential allows.
func capLevel(p *Principal, lvl Level) Level {
	if p == nil {
		return min(lvl, LevelRead)
	}
	return min(lvl, p.Cap)
}
