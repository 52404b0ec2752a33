package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

func mustCreateApp(t *testing.T, st store.Store, clientID string) *store.App {
	t.Helper()
	a := &store.App{
		ID:           id.New(),
		Name:         "app " + clientID,
		Website:      "https://example.com",
		RedirectURIs: []string{"https://example.com/cb", "urn:ietf:wg:oauth:2.0:oob"},
		Scopes:       []string{"read", "write:statuses", "follow"},
		ClientID:     clientID,
		ClientSecret: "secret-" + clientID,
		CreatedAt:    now(),
	}
	if err := st.CreateApp(t.Context(), a); err != nil {
		t.Fatalf("CreateApp(%s): %v", clientID, err)
	}
	return a
}

func testApps(t *testing.T, st store.Store) {
	ctx := t.Context()
	app := mustCreateApp(t, st, "client-1")
	bare := &store.App{ID: id.New(), Name: "bare", ClientID: "client-2", ClientSecret: "s", CreatedAt: now()}
	if err := st.CreateApp(ctx, bare); err != nil {
		t.Fatalf("CreateApp(bare): %v", err)
	}

	got, err := st.AppByClientID(ctx, "client-1")
	if err != nil {
		t.Fatalf("AppByClientID: %v", err)
	}
	if diff := cmp.Diff(app, got); diff != "" {
		t.Errorf("AppByClientID (-want +got):\n%s", diff)
	}
	got, err = st.AppByID(ctx, app.ID)
	if err != nil {
		t.Fatalf("AppByID: %v", err)
	}
	if diff := cmp.Diff(app, got); diff != "" {
		t.Errorf("AppByID (-want +got):\n%s", diff)
	}
	got, err = st.AppByID(ctx, bare.ID)
	if err != nil {
		t.Fatalf("AppByID(bare): %v", err)
	}
	if len(got.RedirectURIs) != 0 || len(got.Scopes) != 0 || got.Name != "bare" {
		t.Errorf("bare app = %+v, want no redirect URIs and no scopes", got)
	}

	_, err = st.AppByClientID(ctx, "nope")
	wantErrIs(t, "AppByClientID(unknown)", err, store.ErrNotFound)
	_, err = st.AppByID(ctx, id.New())
	wantErrIs(t, "AppByID(unknown)", err, store.ErrNotFound)
	dup := &store.App{ID: id.New(), Name: "dup", ClientID: "client-1", ClientSecret: "s", CreatedAt: now()}
	wantErrIs(t, "CreateApp with a taken client id", st.CreateApp(ctx, dup), store.ErrConflict)
}

func testAuthCodes(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	app := mustCreateApp(t, st, "client")
	code := &store.AuthCode{
		CodeHash:      "hash-valid",
		AppID:         app.ID,
		AccountID:     alice.ID,
		RedirectURI:   "https://example.com/cb",
		Scopes:        []string{"read", "write"},
		CodeChallenge: "challenge",
		ExpiresAt:     now().Add(10 * time.Minute),
	}
	if err := st.CreateAuthCode(ctx, code); err != nil {
		t.Fatalf("CreateAuthCode: %v", err)
	}
	expired := &store.AuthCode{
		CodeHash:    "hash-expired",
		AppID:       app.ID,
		AccountID:   alice.ID,
		RedirectURI: "https://example.com/cb",
		ExpiresAt:   now().Add(-time.Minute),
	}
	if err := st.CreateAuthCode(ctx, expired); err != nil {
		t.Fatalf("CreateAuthCode(expired): %v", err)
	}

	got, err := st.TakeAuthCode(ctx, "hash-valid")
	if err != nil {
		t.Fatalf("TakeAuthCode: %v", err)
	}
	if diff := cmp.Diff(code, got); diff != "" {
		t.Errorf("TakeAuthCode (-want +got):\n%s", diff)
	}
	_, err = st.TakeAuthCode(ctx, "hash-valid")
	wantErrIs(t, "TakeAuthCode a second time", err, store.ErrNotFound)
	_, err = st.TakeAuthCode(ctx, "hash-expired")
	wantErrIs(t, "TakeAuthCode(expired)", err, store.ErrNotFound)
	_, err = st.TakeAuthCode(ctx, "hash-unknown")
	wantErrIs(t, "TakeAuthCode(unknown)", err, store.ErrNotFound)
}

func testTokens(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	app := mustCreateApp(t, st, "client")
	user := &store.Token{ID: id.New(), TokenHash: "hash-user", AppID: app.ID, AccountID: alice.ID,
		Scopes: []string{"read", "write"}, CreatedAt: now()}
	client := &store.Token{ID: id.New(), TokenHash: "hash-client", AppID: app.ID, Scopes: []string{"read"}, CreatedAt: now()}
	for _, tok := range []*store.Token{user, client} {
		if err := st.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken(%s): %v", tok.TokenHash, err)
		}
	}
	dup := &store.Token{ID: id.New(), TokenHash: "hash-user", AppID: app.ID, CreatedAt: now()}
	wantErrIs(t, "CreateToken with a taken hash", st.CreateToken(ctx, dup), store.ErrConflict)

	for _, want := range []*store.Token{user, client} {
		got, err := st.TokenByHash(ctx, want.TokenHash)
		if err != nil {
			t.Fatalf("TokenByHash(%s): %v", want.TokenHash, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("TokenByHash(%s) (-want +got):\n%s", want.TokenHash, diff)
		}
	}
	_, err := st.TokenByHash(ctx, "hash-unknown")
	wantErrIs(t, "TokenByHash(unknown)", err, store.ErrNotFound)

	if err := st.RevokeToken(ctx, "hash-user"); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = st.TokenByHash(ctx, "hash-user")
	wantErrIs(t, "TokenByHash after revoke", err, store.ErrNotFound)
	if _, err := st.TokenByHash(ctx, "hash-client"); err != nil {
		t.Errorf("revoking one token removed another: %v", err)
	}
	if err := st.RevokeToken(ctx, "hash-user"); err != nil {
		t.Errorf("RevokeToken of an unknown token: %v", err)
	}
}
