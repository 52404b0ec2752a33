package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/store"
)

func mustCreateSession(t *testing.T, st store.Store, hash string, ac *store.Account, expires time.Time) *store.Session {
	t.Helper()
	se := &store.Session{TokenHash: hash, AccountID: ac.ID, CreatedAt: now(), ExpiresAt: expires}
	if err := st.CreateSession(t.Context(), se); err != nil {
		t.Fatalf("CreateSession(%s): %v", hash, err)
	}
	return se
}

func testSessions(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	later := now().Add(time.Hour)

	a1 := mustCreateSession(t, st, "hash-a1", alice, later)
	got, err := st.SessionByHash(ctx, "hash-a1")
	if err != nil {
		t.Fatalf("SessionByHash: %v", err)
	}
	if diff := cmp.Diff(a1, got); diff != "" {
		t.Errorf("SessionByHash (-want +got):\n%s", diff)
	}
	_, err = st.SessionByHash(ctx, "hash-unknown")
	wantErrIs(t, "SessionByHash(unknown)", err, store.ErrNotFound)

	dup := &store.Session{TokenHash: "hash-a1", AccountID: bob.ID, CreatedAt: now(), ExpiresAt: later}
	wantErrIs(t, "CreateSession(same hash)", st.CreateSession(ctx, dup), store.ErrConflict)
	missing := &store.Session{TokenHash: "hash-nobody", AccountID: 12345, CreatedAt: now(), ExpiresAt: later}
	if err := st.CreateSession(ctx, missing); err == nil {
		t.Error("CreateSession for a missing account: no error")
	}

	// An expired session is gone for readers and cannot be renewed.
	mustCreateSession(t, st, "hash-old", alice, now().Add(-time.Second))
	_, err = st.SessionByHash(ctx, "hash-old")
	wantErrIs(t, "SessionByHash(expired)", err, store.ErrNotFound)
	wantErrIs(t, "RenewSession(expired)", st.RenewSession(ctx, "hash-old", later), store.ErrNotFound)
	wantErrIs(t, "RenewSession(unknown)", st.RenewSession(ctx, "hash-unknown", later), store.ErrNotFound)

	renewed := now().Add(48 * time.Hour)
	if err := st.RenewSession(ctx, "hash-a1", renewed); err != nil {
		t.Fatalf("RenewSession: %v", err)
	}
	if got, err := st.SessionByHash(ctx, "hash-a1"); err != nil {
		t.Fatalf("SessionByHash after renew: %v", err)
	} else if !got.ExpiresAt.Equal(renewed) {
		t.Errorf("ExpiresAt after renew = %v, want %v", got.ExpiresAt, renewed)
	}

	// Logging out ends one session; doing it twice is fine.
	if err := st.DeleteSession(ctx, "hash-a1"); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	if err := st.DeleteSession(ctx, "hash-a1"); err != nil {
		t.Errorf("DeleteSession again: %v", err)
	}
	_, err = st.SessionByHash(ctx, "hash-a1")
	wantErrIs(t, "SessionByHash(deleted)", err, store.ErrNotFound)

	// A password change ends the account's other sessions only.
	mustCreateSession(t, st, "hash-a2", alice, later)
	mustCreateSession(t, st, "hash-a3", alice, later)
	mustCreateSession(t, st, "hash-b1", bob, later)
	if err := st.DeleteAccountSessions(ctx, alice.ID, "hash-a2"); err != nil {
		t.Fatalf("DeleteAccountSessions: %v", err)
	}
	for hash, want := range map[string]bool{"hash-a2": true, "hash-a3": false, "hash-b1": true} {
		_, err := st.SessionByHash(ctx, hash)
		if got := err == nil; got != want {
			t.Errorf("after DeleteAccountSessions, %s exists = %v (err %v), want %v", hash, got, err, want)
		}
	}
	if err := st.DeleteAccountSessions(ctx, alice.ID, ""); err != nil {
		t.Fatalf("DeleteAccountSessions(all): %v", err)
	}
	_, err = st.SessionByHash(ctx, "hash-a2")
	wantErrIs(t, "SessionByHash after ending all", err, store.ErrNotFound)
}
