package storetest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

func testCreateAccount(t *testing.T, st store.Store) {
	ctx := t.Context()
	want := &store.Account{
		ID:           id.New(),
		Username:     "Alice",
		Email:        "Alice@Example.com",
		DisplayName:  "Alice A.",
		Note:         "bio",
		PasswordHash: "$argon2id$x",
		Locked:       true,
		Bot:          true,
		Admin:        true,
		Language:     "ar",
		CreatedAt:    now(),
	}
	if err := st.CreateAccount(ctx, want); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	got := mustAccount(t, st, want.ID)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AccountByID (-want +got):\n%s", diff)
	}

	// Two accounts may both have no email.
	for _, name := range []string{"noemail1", "noemail2"} {
		if err := st.CreateAccount(ctx, &store.Account{ID: id.New(), Username: name, CreatedAt: now()}); err != nil {
			t.Errorf("CreateAccount(%s) without email: %v", name, err)
		}
	}

	conflicts := []struct {
		name     string
		username string
		email    string
	}{
		{"same username", "Alice", "other@example.com"},
		{"username in another case", "aLICE", "other@example.com"},
		{"email in another case", "bob", "alice@EXAMPLE.COM"},
	}
	for _, tc := range conflicts {
		t.Run(tc.name, func(t *testing.T) {
			err := st.CreateAccount(ctx, &store.Account{ID: id.New(), Username: tc.username, Email: tc.email, CreatedAt: now()})
			wantErrIs(t, "CreateAccount", err, store.ErrConflict)
		})
	}
	if err := st.CreateAccount(ctx, &store.Account{ID: want.ID, Username: "carol", CreatedAt: now()}); err == nil {
		t.Error("CreateAccount with a used id: no error")
	}
	n, err := st.CountAccounts(ctx)
	if err != nil {
		t.Fatalf("CountAccounts: %v", err)
	}
	wantCount(t, "CountAccounts", n, 3)
}

func testAccountLookups(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "Alice") // email Alice@example.com
	bob := mustCreateAccount(t, st, "bob")

	byUsername := func(s string) (*store.Account, error) { return st.AccountByUsername(ctx, s) }
	byLogin := func(s string) (*store.Account, error) { return st.AccountByLogin(ctx, s) }
	tests := []struct {
		name string
		fn   func(string) (*store.Account, error)
		in   string
		want *store.Account // nil: ErrNotFound
	}{
		{"username as written", byUsername, "Alice", alice},
		{"username lower case", byUsername, "alice", alice},
		{"username upper case", byUsername, "BOB", bob},
		{"unknown username", byUsername, "carol", nil},
		{"username is not an email", byUsername, "bob@example.com", nil},
		{"login by username", byLogin, "ALICE", alice},
		{"login by email", byLogin, "Alice@example.com", alice},
		{"login by email in another case", byLogin, "BOB@EXAMPLE.COM", bob},
		{"unknown login", byLogin, "carol@example.com", nil},
		{"empty login", byLogin, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.fn(tc.in)
			if tc.want == nil {
				wantErrIs(t, tc.in, err, store.ErrNotFound)
				return
			}
			if err != nil {
				t.Fatalf("%q: %v", tc.in, err)
			}
			if got.ID != tc.want.ID {
				t.Errorf("%q found account %d (%s), want %d (%s)", tc.in, got.ID, got.Username, tc.want.ID, tc.want.Username)
			}
		})
	}

	_, err := st.AccountByID(ctx, id.New())
	wantErrIs(t, "AccountByID(unknown)", err, store.ErrNotFound)

	missing := id.New()
	byID, err := st.AccountsByIDs(ctx, []int64{alice.ID, missing, bob.ID})
	if err != nil {
		t.Fatalf("AccountsByIDs: %v", err)
	}
	if len(byID) != 2 || byID[alice.ID].Username != "Alice" || byID[bob.ID].Username != "bob" {
		t.Errorf("AccountsByIDs = %v, want alice and bob only", byID)
	}
	empty, err := st.AccountsByIDs(ctx, nil)
	if err != nil || len(empty) != 0 {
		t.Errorf("AccountsByIDs(nil) = %v, %v; want empty, nil", empty, err)
	}

	byName, err := st.AccountsByUsernames(ctx, []string{"ALICE", "Bob", "carol"})
	if err != nil {
		t.Fatalf("AccountsByUsernames: %v", err)
	}
	if len(byName) != 2 || byName["alice"] == nil || byName["alice"].ID != alice.ID || byName["bob"] == nil || byName["bob"].ID != bob.ID {
		t.Errorf("AccountsByUsernames = %v, want keys alice and bob", byName)
	}
}

func testUpdateAccount(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	mustCreateAccount(t, st, "bob")
	mustPost(t, st, alice)

	up := mustAccount(t, st, alice.ID)
	up.DisplayName = "Alice Liddell"
	up.Note = "down the rabbit hole"
	up.PasswordHash = "new-hash"
	up.Locked = true
	up.Bot = true
	up.Admin = true
	up.Language = "fa"
	up.Email = "Liddell@Example.org"
	// Fields that UpdateAccount does not write.
	ignored := *up
	ignored.Username = "mallory"
	ignored.StatusesCount = 99
	ignored.Pull = true
	if err := st.UpdateAccount(ctx, &ignored); err != nil {
		t.Fatalf("UpdateAccount: %v", err)
	}
	got := mustAccount(t, st, alice.ID)
	if diff := cmp.Diff(up, got); diff != "" {
		t.Errorf("after UpdateAccount (-want +got):\n%s", diff)
	}
	if a, err := st.AccountByLogin(ctx, "liddell@example.org"); err != nil || a.ID != alice.ID {
		t.Errorf("AccountByLogin(new email) = %v, %v; want alice", a, err)
	}
	if _, err := st.AccountByLogin(ctx, "alice@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AccountByLogin(old email): error = %v, want ErrNotFound", err)
	}

	taken := *got
	taken.Email = "BOB@example.com"
	wantErrIs(t, "UpdateAccount to a taken email", st.UpdateAccount(ctx, &taken), store.ErrConflict)

	ghost := &store.Account{ID: id.New(), Username: "ghost"}
	wantErrIs(t, "UpdateAccount(unknown)", st.UpdateAccount(ctx, ghost), store.ErrNotFound)
}

func testAccountsAndCounts(t *testing.T, st store.Store) {
	ctx := t.Context()
	var as []*store.Account
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		as = append(as, mustCreateAccount(t, st, name))
	}
	tests := []struct {
		name string
		p    store.Page
		want []int64
	}{
		{"all", all, accountIDs(as[4], as[3], as[2], as[1], as[0])},
		{"limit", store.Page{Limit: 2}, accountIDs(as[4], as[3])},
		{"max_id", store.Page{MaxID: as[3].ID, Limit: 2}, accountIDs(as[2], as[1])},
		{"since_id", store.Page{SinceID: as[1].ID, Limit: 2}, accountIDs(as[4], as[3])},
		{"min_id", store.Page{MinID: as[1].ID, Limit: 2}, accountIDs(as[3], as[2])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Accounts(ctx, tc.p)
			if err != nil {
				t.Fatalf("Accounts: %v", err)
			}
			wantIDs(t, "Accounts", accountIDs(got...), tc.want)
		})
	}

	n, err := st.CountAccounts(ctx)
	if err != nil {
		t.Fatalf("CountAccounts: %v", err)
	}
	wantCount(t, "CountAccounts", n, 5)

	p := mustPost(t, st, as[0])
	mustPost(t, st, as[1])
	mustReblog(t, st, as[2], p)
	n, err = st.CountStatuses(ctx)
	if err != nil {
		t.Fatalf("CountStatuses: %v", err)
	}
	wantCount(t, "CountStatuses (reblogs included)", n, 3)
	if err := st.DeleteStatus(ctx, p.ID); err != nil {
		t.Fatalf("DeleteStatus: %v", err)
	}
	n, err = st.CountStatuses(ctx)
	if err != nil {
		t.Fatalf("CountStatuses: %v", err)
	}
	wantCount(t, "CountStatuses after deleting a reblogged post", n, 1)
}
