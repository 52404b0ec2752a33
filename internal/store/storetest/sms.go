package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

func mustLinkPhone(t *testing.T, st store.Store, ac *store.Account, number string) *store.Phone {
	t.Helper()
	p := &store.Phone{Number: number, AccountID: ac.ID, Updates: true, CreatedAt: now()}
	if err := st.LinkPhone(t.Context(), p); err != nil {
		t.Fatalf("LinkPhone(%s, %s): %v", ac.Username, number, err)
	}
	return p
}

func testSMSPhones(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")

	p := mustLinkPhone(t, st, alice, "+989120000001")
	got, err := st.PhoneByNumber(ctx, "+989120000001")
	if err != nil {
		t.Fatalf("PhoneByNumber: %v", err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("PhoneByNumber (-want +got):\n%s", diff)
	}
	if got, err := st.PhoneByAccount(ctx, alice.ID); err != nil || got.Number != p.Number {
		t.Errorf("PhoneByAccount = %+v, %v; want %s", got, err, p.Number)
	}
	_, err = st.PhoneByNumber(ctx, "+10000000000")
	wantErrIs(t, "PhoneByNumber(unknown)", err, store.ErrNotFound)
	_, err = st.PhoneByAccount(ctx, bob.ID)
	wantErrIs(t, "PhoneByAccount(none)", err, store.ErrNotFound)

	// One number, one account; one account, one number.
	wantErrIs(t, "LinkPhone(number taken)", st.LinkPhone(ctx, &store.Phone{Number: p.Number, AccountID: bob.ID, CreatedAt: now()}), store.ErrConflict)
	wantErrIs(t, "LinkPhone(account has one)", st.LinkPhone(ctx, &store.Phone{Number: "+989120000002", AccountID: alice.ID, CreatedAt: now()}), store.ErrConflict)

	if err := st.SetPhoneUpdates(ctx, alice.ID, false); err != nil {
		t.Fatalf("SetPhoneUpdates: %v", err)
	}
	if got, _ := st.PhoneByAccount(ctx, alice.ID); got == nil || got.Updates {
		t.Errorf("after SetPhoneUpdates(false): %+v", got)
	}
	wantErrIs(t, "SetPhoneUpdates(no phone)", st.SetPhoneUpdates(ctx, bob.ID, true), store.ErrNotFound)

	// Joined phones are counted for the global JOIN limit.
	j := &store.Phone{Number: "+989120000003", AccountID: bob.ID, Updates: true, Joined: true, CreatedAt: now()}
	if err := st.LinkPhone(ctx, j); err != nil {
		t.Fatalf("LinkPhone(joined): %v", err)
	}
	if n, err := st.CountJoinedPhones(ctx, now().Add(-time.Hour)); err != nil || n != 1 {
		t.Errorf("CountJoinedPhones = %d, %v; want 1", n, err)
	}
	if n, err := st.CountJoinedPhones(ctx, now().Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("CountJoinedPhones(future) = %d, %v; want 0", n, err)
	}

	// Unlinking frees the number and drops subscriptions.
	carol := mustCreateAccount(t, st, "carol")
	if err := st.SubscribeSMS(ctx, alice.ID, carol.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.UnlinkPhone(ctx, alice.ID); err != nil {
		t.Fatalf("UnlinkPhone: %v", err)
	}
	wantErrIs(t, "UnlinkPhone again", st.UnlinkPhone(ctx, alice.ID), store.ErrNotFound)
	if on, err := st.SMSSubscribed(ctx, alice.ID, carol.ID); err != nil || on {
		t.Errorf("subscription after unlink = %v, %v; want false", on, err)
	}
	mustLinkPhone(t, st, carol, p.Number)
}

func testSMSCodes(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	later := now().Add(15 * time.Minute)

	c := &store.PhoneCode{AccountID: alice.ID, Number: "+989120000001", CodeHash: "h1", CreatedAt: now(), ExpiresAt: later}
	if err := st.CreatePhoneCode(ctx, c); err != nil {
		t.Fatalf("CreatePhoneCode: %v", err)
	}
	got, err := st.PhoneCode(ctx, alice.ID)
	if err != nil {
		t.Fatalf("PhoneCode: %v", err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("PhoneCode (-want +got):\n%s", diff)
	}
	// A second code replaces the first.
	c2 := &store.PhoneCode{AccountID: alice.ID, Number: "+989120000002", CodeHash: "h2", CreatedAt: now(), ExpiresAt: later}
	if err := st.CreatePhoneCode(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.PhoneCode(ctx, alice.ID); got == nil || got.CodeHash != "h2" || got.Attempts != 0 {
		t.Errorf("after a second code: %+v", got)
	}
	if err := st.CreatePhoneCode(ctx, &store.PhoneCode{AccountID: bob.ID, Number: "+989120000002", CodeHash: "h3", CreatedAt: now(), ExpiresAt: later}); err != nil {
		t.Fatal(err)
	}
	cs, err := st.PhoneCodesByNumber(ctx, "+989120000002")
	if err != nil || len(cs) != 2 {
		t.Fatalf("PhoneCodesByNumber = %v, %v; want two", cs, err)
	}
	if cs, _ := st.PhoneCodesByNumber(ctx, "+989120000001"); len(cs) != 0 {
		t.Errorf("PhoneCodesByNumber(replaced) = %v", cs)
	}

	for want := 1; want <= 2; want++ {
		if n, err := st.FailPhoneCode(ctx, alice.ID); err != nil || n != want {
			t.Errorf("FailPhoneCode = %d, %v; want %d", n, err, want)
		}
	}
	// Linking consumes the account's code.
	mustLinkPhone(t, st, alice, "+989120000002")
	_, err = st.PhoneCode(ctx, alice.ID)
	wantErrIs(t, "PhoneCode after link", err, store.ErrNotFound)
	_, err = st.FailPhoneCode(ctx, alice.ID)
	wantErrIs(t, "FailPhoneCode without code", err, store.ErrNotFound)

	if err := st.DeletePhoneCode(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.PhoneCode(ctx, bob.ID)
	wantErrIs(t, "PhoneCode after delete", err, store.ErrNotFound)

	// Expired codes are gone for readers.
	if err := st.CreatePhoneCode(ctx, &store.PhoneCode{AccountID: bob.ID, Number: "+1", CodeHash: "old", CreatedAt: now().Add(-time.Hour), ExpiresAt: now().Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	_, err = st.PhoneCode(ctx, bob.ID)
	wantErrIs(t, "PhoneCode(expired)", err, store.ErrNotFound)
	if cs, _ := st.PhoneCodesByNumber(ctx, "+1"); len(cs) != 0 {
		t.Errorf("PhoneCodesByNumber(expired) = %v", cs)
	}
}

func testSMSRecipients(t *testing.T, st store.Store) {
	ctx := t.Context()
	author := mustCreateAccount(t, st, "author")
	fan := mustCreateAccount(t, st, "fan")             // follows, subscribed
	quiet := mustCreateAccount(t, st, "quiet")         // follows, not subscribed
	switchedOff := mustCreateAccount(t, st, "off")     // subscribed, master switch off
	stopped := mustCreateAccount(t, st, "stopped")     // subscribed, number said STOP
	left := mustCreateAccount(t, st, "left")           // subscribed, no longer follows
	mentioned := mustCreateAccount(t, st, "mentioned") // no follow
	nophone := mustCreateAccount(t, st, "nophone")
	for i, a := range []*store.Account{author, fan, quiet, switchedOff, stopped, left, mentioned} {
		mustLinkPhone(t, st, a, "+98912000010"+string(rune('0'+i)))
	}
	for _, a := range []*store.Account{fan, quiet, switchedOff, stopped, nophone} {
		mustFollow(t, st, a, author)
	}
	for _, a := range []*store.Account{fan, switchedOff, stopped, left, nophone} {
		if err := st.SubscribeSMS(ctx, a.ID, author.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SubscribeSMS(ctx, fan.ID, author.ID); err != nil { // twice is fine
		t.Fatal(err)
	}
	if err := st.SetPhoneUpdates(ctx, switchedOff.ID, false); err != nil {
		t.Fatal(err)
	}
	sp, _ := st.PhoneByAccount(ctx, stopped.ID)
	if err := st.SetSMSStop(ctx, sp.Number, true); err != nil {
		t.Fatal(err)
	}
	if stop, err := st.SMSStopped(ctx, sp.Number); err != nil || !stop {
		t.Errorf("SMSStopped = %v, %v", stop, err)
	}

	ids := func(ps []*store.Phone) []int64 {
		var out []int64
		for _, p := range ps {
			out = append(out, p.AccountID)
		}
		return out
	}
	got, err := st.SMSRecipients(ctx, author.ID, []int64{mentioned.ID, author.ID}, true)
	if err != nil {
		t.Fatalf("SMSRecipients: %v", err)
	}
	want := []int64{fan.ID, mentioned.ID}
	slices.Sort(want)
	wantIDs(t, "SMSRecipients(post)", ids(got), want)

	got, err = st.SMSRecipients(ctx, author.ID, []int64{mentioned.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "SMSRecipients(direct)", ids(got), []int64{mentioned.ID})

	// START lifts the STOP; unsubscribing removes the fan.
	if err := st.SetSMSStop(ctx, sp.Number, false); err != nil {
		t.Fatal(err)
	}
	if err := st.UnsubscribeSMS(ctx, fan.ID, author.ID); err != nil {
		t.Fatal(err)
	}
	if on, _ := st.SMSSubscribed(ctx, fan.ID, author.ID); on {
		t.Error("SMSSubscribed after UnsubscribeSMS = true")
	}
	got, err = st.SMSRecipients(ctx, author.ID, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "SMSRecipients(after START and unsubscribe)", ids(got), []int64{stopped.ID})
}

func testSMSInbound(t *testing.T, st store.Store) {
	ctx := t.Context()
	m1 := &store.InboundSMS{ID: id.New(), GatewayID: "k-1", Sender: "+989120000001", Receiver: "1234", Text: "سلام", SentAt: now(), ReceivedAt: now()}
	m2 := &store.InboundSMS{ID: id.New(), GatewayID: "k-2", Sender: "+989120000002", Text: "HELP", ReceivedAt: now()}
	for _, m := range []*store.InboundSMS{m1, m2} {
		if err := st.SaveInboundSMS(ctx, m); err != nil {
			t.Fatalf("SaveInboundSMS: %v", err)
		}
	}
	retry := *m1
	retry.ID = id.New()
	wantErrIs(t, "SaveInboundSMS(retry)", st.SaveInboundSMS(ctx, &retry), store.ErrConflict)

	got, err := st.PendingInboundSMS(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*store.InboundSMS{m1, m2}, got); diff != "" {
		t.Errorf("PendingInboundSMS (-want +got):\n%s", diff)
	}

	reply := &store.OutboxSMS{ID: id.New(), Number: m1.Sender, Text: "ok", Parts: 1, Kind: "reply", DedupKey: "in:k-1", CreatedAt: now()}
	if err := st.FinishInboundSMS(ctx, m1.ID, []*store.OutboxSMS{reply}); err != nil {
		t.Fatalf("FinishInboundSMS: %v", err)
	}
	// Finishing twice keeps the first replies only.
	again := &store.OutboxSMS{ID: id.New(), Number: m1.Sender, Text: "again", Parts: 1, Kind: "reply", CreatedAt: now()}
	if err := st.FinishInboundSMS(ctx, m1.ID, []*store.OutboxSMS{again}); err != nil {
		t.Fatalf("FinishInboundSMS again: %v", err)
	}
	if _, err := st.OutboxSMSByID(ctx, again.ID); err == nil {
		t.Error("a second FinishInboundSMS enqueued its replies")
	}
	if r, err := st.OutboxSMSByID(ctx, reply.ID); err != nil || r.State != store.OutboxQueued || r.Text != "ok" {
		t.Errorf("reply = %+v, %v", r, err)
	}
	wantErrIs(t, "FinishInboundSMS(unknown)", st.FinishInboundSMS(ctx, 12345, nil), store.ErrNotFound)

	got, err = st.PendingInboundSMS(ctx, 10)
	if err != nil || len(got) != 1 || got[0].ID != m2.ID {
		t.Errorf("PendingInboundSMS after finishing m1 = %v, %v", got, err)
	}
}

func testSMSOutbox(t *testing.T, st store.Store) {
	ctx := t.Context()
	t0 := now()
	a := &store.OutboxSMS{ID: id.New(), Number: "+1555", Text: "a", Parts: 1, Kind: "update", DedupKey: "k-a", CreatedAt: t0}
	b := &store.OutboxSMS{ID: id.New(), Number: "+1555", Text: "code 123456", Parts: 2, Kind: "code", Secret: true, CreatedAt: t0}
	c := &store.OutboxSMS{ID: id.New(), Number: "+1666", Text: "later", Parts: 1, Kind: "reply", CreatedAt: t0, NextAt: t0.Add(time.Hour)}
	n, err := st.EnqueueSMS(ctx, []*store.OutboxSMS{a, b, c})
	if err != nil || n != 3 {
		t.Fatalf("EnqueueSMS = %d, %v; want 3", n, err)
	}
	dup := &store.OutboxSMS{ID: id.New(), Number: "+1555", Text: "a again", Parts: 1, DedupKey: "k-a", CreatedAt: t0}
	if n, err := st.EnqueueSMS(ctx, []*store.OutboxSMS{dup}); err != nil || n != 0 {
		t.Errorf("EnqueueSMS(same dedup key) = %d, %v; want 0", n, err)
	}

	claimed, err := st.ClaimSMS(ctx, t0.Add(time.Second), 10)
	if err != nil {
		t.Fatalf("ClaimSMS: %v", err)
	}
	var got []int64
	for _, m := range claimed {
		got = append(got, m.ID)
		if m.State != store.OutboxSending || m.Attempts != 1 {
			t.Errorf("claimed %d: state %s attempts %d", m.ID, m.State, m.Attempts)
		}
	}
	wantIDs(t, "ClaimSMS", got, []int64{a.ID, b.ID})
	if more, _ := st.ClaimSMS(ctx, t0.Add(time.Second), 10); len(more) != 0 {
		t.Errorf("ClaimSMS twice claimed %d more", len(more))
	}

	sent := t0.Add(2 * time.Second)
	moved, err := st.UpdateSMS(ctx, a.ID, store.OutboxUpdate{From: []store.OutboxState{store.OutboxSending}, To: store.OutboxSent, SentAt: sent})
	if err != nil || !moved {
		t.Fatalf("UpdateSMS(sent) = %v, %v", moved, err)
	}
	// A transition from a state the message is not in does nothing.
	moved, err = st.UpdateSMS(ctx, a.ID, store.OutboxUpdate{From: []store.OutboxState{store.OutboxSending}, To: store.OutboxUnknown})
	if err != nil || moved {
		t.Errorf("UpdateSMS(from a state it left) = %v, %v; want false", moved, err)
	}
	_, err = st.UpdateSMS(ctx, 99, store.OutboxUpdate{From: []store.OutboxState{store.OutboxSending}, To: store.OutboxSent})
	wantErrIs(t, "UpdateSMS(unknown id)", err, store.ErrNotFound)
	if got, _ := st.OutboxSMSByID(ctx, a.ID); got == nil || got.State != store.OutboxSent || !got.SentAt.Equal(sent) {
		t.Errorf("after sent: %+v", got)
	}

	// A secret text is forgotten once the gateway has it.
	if _, err := st.UpdateSMS(ctx, b.ID, store.OutboxUpdate{From: []store.OutboxState{store.OutboxSending}, To: store.OutboxSent, SentAt: sent}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.OutboxSMSByID(ctx, b.ID); got == nil || got.Text != "" {
		t.Errorf("secret text after sent = %+v", got)
	}
	if n, err := st.SMSPartsSent(ctx, "+1555", t0); err != nil || n != 3 {
		t.Errorf("SMSPartsSent = %d, %v; want 3", n, err)
	}
	if n, err := st.SMSPartsSent(ctx, "+1555", sent.Add(time.Second)); err != nil || n != 0 {
		t.Errorf("SMSPartsSent(after) = %d, %v; want 0", n, err)
	}

	// Messages left sending by a stopped process become unknown.
	late, err := st.ClaimSMS(ctx, t0.Add(2*time.Hour), 10)
	if err != nil || len(late) != 1 || late[0].ID != c.ID {
		t.Fatalf("ClaimSMS(later) = %v, %v", late, err)
	}
	resend := t0.Add(3 * time.Hour)
	// A claim younger than claimedBefore belongs to a live worker.
	if n, err := st.RecoverSMS(ctx, t0.Add(2*time.Hour), resend); err != nil || n != 0 {
		t.Fatalf("RecoverSMS(a fresh claim) = %d, %v; want 0", n, err)
	}
	if n, err := st.RecoverSMS(ctx, t0.Add(2*time.Hour+time.Second), resend); err != nil || n != 1 {
		t.Fatalf("RecoverSMS = %d, %v; want 1", n, err)
	}
	got2, err := st.OutboxSMSByID(ctx, c.ID)
	if err != nil || got2.State != store.OutboxUnknown || !got2.NextAt.Equal(resend) || got2.SentAt.IsZero() {
		t.Errorf("after RecoverSMS: %+v, %v", got2, err)
	}
	if early, _ := st.ClaimSMS(ctx, resend.Add(-time.Second), 10); len(early) != 0 {
		t.Errorf("an unknown message was claimed before its time")
	}
	if again, _ := st.ClaimSMS(ctx, resend, 10); len(again) != 1 || again[0].Attempts != 2 {
		t.Errorf("ClaimSMS(unknown, due) = %v", again)
	}

	// Purging keeps what is not finished.
	if _, err := st.UpdateSMS(ctx, a.ID, store.OutboxUpdate{From: []store.OutboxState{store.OutboxSent}, To: store.OutboxDelivered}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PurgeSMS(ctx, t0.Add(time.Second)); err != nil {
		t.Fatalf("PurgeSMS: %v", err)
	}
	_, err = st.OutboxSMSByID(ctx, a.ID)
	wantErrIs(t, "delivered message after purge", err, store.ErrNotFound)
	if _, err := st.OutboxSMSByID(ctx, c.ID); err != nil {
		t.Errorf("message still sending was purged: %v", err)
	}
}

func testSMSFanOutCursor(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	s1 := mustPost(t, st, alice)
	s2 := mustPost(t, st, bob, withVisibility(store.Direct), mentioning(alice.ID), noFanOut())
	s3 := mustPost(t, st, alice, withVisibility(store.Private))

	got, err := st.StatusesAfter(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "StatusesAfter(0)", statusIDs(got), idsOf(s1, s2, s3))
	if len(got) == 3 && !slices.Equal(got[1].MentionIDs, []int64{alice.ID}) {
		t.Errorf("StatusesAfter: mentions of the direct post = %v", got[1].MentionIDs)
	}
	got, err = st.StatusesAfter(ctx, s1.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "StatusesAfter(s1, 1)", statusIDs(got), idsOf(s2))

	_, err = st.SMSCursor(ctx, "fanout")
	wantErrIs(t, "SMSCursor(unset)", err, store.ErrNotFound)
	for _, v := range []int64{s2.ID, s3.ID} {
		if err := st.SetSMSCursor(ctx, "fanout", v); err != nil {
			t.Fatal(err)
		}
		if got, err := st.SMSCursor(ctx, "fanout"); err != nil || got != v {
			t.Errorf("SMSCursor = %d, %v; want %d", got, err, v)
		}
	}
}
