package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

func testNotifications(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	post := mustPost(t, st, alice)
	before := time.Now().Add(-time.Second)
	// One notification of each type for alice, oldest first.
	mustFollow(t, st, bob, alice)
	mustPost(t, st, carol, mentioning(alice.ID))
	mustFavourite(t, st, bob, post)
	mustReblog(t, st, carol, post)
	if err := st.RequestFollow(ctx, carol.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	mustPost(t, st, carol, mentioning(bob.ID)) // someone else's

	all5 := []string{store.NotifyFollowRequest, store.NotifyReblog, store.NotifyFavourite, store.NotifyMention, store.NotifyFollow}
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"everything", nil, nil, all5},
		{"include", []string{store.NotifyMention, store.NotifyFollow}, nil,
			[]string{store.NotifyMention, store.NotifyFollow}},
		{"exclude", nil, []string{store.NotifyFavourite, store.NotifyReblog},
			[]string{store.NotifyFollowRequest, store.NotifyMention, store.NotifyFollow}},
		{"include and exclude", []string{store.NotifyMention, store.NotifyFollow}, []string{store.NotifyFollow},
			[]string{store.NotifyMention}},
		{"include an unknown type", []string{"poll"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns, err := st.Notifications(ctx, alice.ID, tc.include, tc.exclude, all)
			if err != nil {
				t.Fatalf("Notifications: %v", err)
			}
			var got []string
			for _, n := range ns {
				got = append(got, n.Type)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("types (-want +got):\n%s", diff)
			}
		})
	}

	ns, err := st.Notifications(ctx, alice.ID, nil, nil, all)
	if err != nil || len(ns) != 5 {
		t.Fatalf("Notifications = %d items, %v; want 5", len(ns), err)
	}
	fav := ns[2]
	if fav.Type != store.NotifyFavourite || fav.FromID != bob.ID || fav.StatusID != post.ID || fav.AccountID != alice.ID {
		t.Errorf("favourite notification = %+v", fav)
	}
	if fav.CreatedAt.Before(before) || fav.CreatedAt.After(time.Now().Add(time.Second)) || fav.CreatedAt.Location() != time.UTC {
		t.Errorf("favourite notification CreatedAt = %v, want about now in UTC", fav.CreatedAt)
	}

	got, err := st.Notification(ctx, alice.ID, fav.ID)
	if err != nil {
		t.Fatalf("Notification: %v", err)
	}
	if diff := cmp.Diff(fav, got); diff != "" {
		t.Errorf("Notification (-list +got):\n%s", diff)
	}
	_, err = st.Notification(ctx, bob.ID, fav.ID)
	wantErrIs(t, "Notification of someone else", err, store.ErrNotFound)
	_, err = st.Notification(ctx, alice.ID, id.New())
	wantErrIs(t, "Notification(unknown)", err, store.ErrNotFound)

	wantErrIs(t, "DismissNotification of someone else", st.DismissNotification(ctx, bob.ID, fav.ID), store.ErrNotFound)
	if err := st.DismissNotification(ctx, alice.ID, fav.ID); err != nil {
		t.Fatalf("DismissNotification: %v", err)
	}
	wantErrIs(t, "DismissNotification again", st.DismissNotification(ctx, alice.ID, fav.ID), store.ErrNotFound)
	_, err = st.Notification(ctx, alice.ID, fav.ID)
	wantErrIs(t, "Notification after dismiss", err, store.ErrNotFound)
	if n := len(notices(t, st, alice.ID)); n != 4 {
		t.Errorf("alice has %d notifications after dismissing one, want 4", n)
	}

	if err := st.ClearNotifications(ctx, alice.ID); err != nil {
		t.Fatalf("ClearNotifications: %v", err)
	}
	if diff := cmp.Diff([]notice{}, notices(t, st, alice.ID)); diff != "" {
		t.Errorf("alice's notifications after clear (-want +got):\n%s", diff)
	}
	if n := len(notices(t, st, bob.ID)); n != 1 {
		t.Errorf("bob has %d notifications after alice cleared hers, want 1", n)
	}
	if err := st.ClearNotifications(ctx, alice.ID); err != nil {
		t.Errorf("ClearNotifications when empty: %v", err)
	}
}
