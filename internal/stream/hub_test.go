package stream_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
	"github.com/sada-project/sada/internal/stream"
)

// wait bounds how long a test waits for something that must happen; it is
// a guard against hanging, not a measure of speed.
const wait = 10 * time.Second

type fixture struct {
	st  store.Store
	hub *stream.Hub
}

func newFixture(t *testing.T, opts stream.Options) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sada.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	hub := stream.New(st, stream.NewLocal(), opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hub.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		st.Close()
	})
	return &fixture{st: st, hub: hub}
}

func (f *fixture) account(t *testing.T, name string) *store.Account {
	t.Helper()
	a := &store.Account{ID: id.New(), Username: name, CreatedAt: time.Now()}
	if err := f.st.CreateAccount(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) follow(t *testing.T, from, to *store.Account) {
	t.Helper()
	if err := f.st.Follow(t.Context(), from.ID, to.ID, 0); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) subscribe(t *testing.T, reader *store.Account, notifications bool, after uint64, streams ...stream.Stream) *stream.Subscription {
	t.Helper()
	sub, err := f.hub.Subscribe(t.Context(), stream.Reader{Account: reader, Notifications: notifications}, streams, after)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	return sub
}

func mustStream(t *testing.T, name, tag string) stream.Stream {
	t.Helper()
	s, err := stream.ParseStream(name, tag)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// status is a post as the service publishes it; the hub routes by its
// fields, so it need not be stored.
func status(author *store.Account, vis store.Visibility, opts ...func(*store.Status)) *store.Status {
	st := &store.Status{ID: id.New(), AccountID: author.ID, Visibility: vis, Text: "hello", CreatedAt: time.Now()}
	for _, o := range opts {
		o(st)
	}
	return st
}

func tagged(tags ...string) func(*store.Status) { return func(s *store.Status) { s.Tags = tags } }

func mentions(as ...*store.Account) func(*store.Status) {
	return func(s *store.Status) {
		for _, a := range as {
			s.MentionIDs = append(s.MentionIDs, a.ID)
		}
	}
}

func update(st *store.Status) social.Event { return social.Event{Kind: social.EventUpdate, Status: st} }

// next returns the next delivery of sub.
func next(t *testing.T, sub *stream.Subscription) stream.Delivery {
	t.Helper()
	select {
	case d := <-sub.C():
		return d
	case <-sub.Done():
		t.Fatalf("subscription ended: %v", sub.Err())
	case <-time.After(wait):
		t.Fatal("no delivery")
	}
	return stream.Delivery{}
}

// statusID names what a delivery carries, for comparisons.
func statusID(d stream.Delivery) int64 {
	if d.Event.Notification != nil {
		return d.Event.Notification.ID
	}
	return d.Event.Status.ID
}

// expect checks that sub receives exactly the statuses want, in order,
// and then the marker: since each subscription receives events in the
// order they were published, anything it should not have seen would come
// before the marker.
func expect(t *testing.T, sub *stream.Subscription, marker int64, want ...int64) {
	t.Helper()
	for _, w := range append(want, marker) {
		if got := statusID(next(t, sub)); got != w {
			t.Fatalf("delivery %d, want %d (wanted %v then marker %d)", got, w, want, marker)
		}
	}
}

func TestRouting(t *testing.T) {
	f := newFixture(t, stream.Options{})
	alice := f.account(t, "alice")
	bob := f.account(t, "bob")     // follows alice
	carol := f.account(t, "carol") // follows nobody
	dave := f.account(t, "dave")   // mentioned
	f.follow(t, bob, alice)

	public := stream.Stream{Name: stream.Public}
	user := stream.Stream{Name: stream.User}
	aliceUser := f.subscribe(t, alice, true, 0, user)
	bobUser := f.subscribe(t, bob, true, 0, user)
	carolUser := f.subscribe(t, carol, true, 0, user)
	daveUser := f.subscribe(t, dave, false, 0, user)
	daveNotes := f.subscribe(t, dave, false, 0, mustStream(t, stream.UserNotification, ""))
	carolPublic := f.subscribe(t, carol, false, 0, public, mustStream(t, stream.PublicLocal, ""))
	carolTag := f.subscribe(t, carol, false, 0, mustStream(t, stream.Hashtag, "Iran"))
	carolSilent := f.subscribe(t, carol, false, 0, mustStream(t, stream.PublicMedia, ""), mustStream(t, stream.Direct, ""))

	pub := status(alice, store.Public, tagged("IRAN"))
	unlisted := status(alice, store.Unlisted, tagged("iran"))
	private := status(alice, store.Private, tagged("iran"))
	direct := status(alice, store.Direct, mentions(dave), tagged("iran"))
	reblog := status(bob, store.Public, func(s *store.Status) { s.ReblogOfID = pub.ID })
	note := &store.Notification{ID: id.New(), AccountID: dave.ID, FromID: alice.ID, Type: store.NotifyMention, StatusID: direct.ID}
	for _, st := range []*store.Status{pub, unlisted, private, direct, reblog} {
		f.hub.Publish(update(st))
	}
	f.hub.Publish(social.Event{Kind: social.EventNotification, Notification: note})
	del := social.Event{Kind: social.EventDelete, Status: private, StatusID: private.ID}
	f.hub.Publish(del)
	// The marker: a public post by carol, which every stream above
	// carries except the user streams of those who do not follow her.
	marker := status(carol, store.Public, tagged("iran"))
	f.hub.Publish(update(marker))
	// Once carol's own stream has the marker, it has been dispatched, and
	// following her now cannot change where it went.
	t.Run("someone who follows nobody gets only her own", func(t *testing.T) {
		expect(t, carolUser, marker.ID)
	})
	f.follow(t, alice, carol)
	f.follow(t, bob, carol)
	f.follow(t, dave, carol)
	lastMarker := status(carol, store.Public, tagged("iran"))
	f.hub.Publish(update(lastMarker))
	lastNote := &store.Notification{ID: id.New(), AccountID: dave.ID, FromID: carol.ID, Type: store.NotifyFollow}
	f.hub.Publish(social.Event{Kind: social.EventNotification, Notification: lastNote})

	t.Run("the author gets everything of hers in her home", func(t *testing.T) {
		expect(t, aliceUser, lastMarker.ID, pub.ID, unlisted.ID, private.ID, direct.ID, private.ID)
	})
	t.Run("a follower gets all but direct posts, and reblogs of those he follows", func(t *testing.T) {
		expect(t, bobUser, lastMarker.ID, pub.ID, unlisted.ID, private.ID, reblog.ID, private.ID)
	})
	t.Run("the mentioned get the direct post, notifications only when asked", func(t *testing.T) {
		expect(t, daveUser, lastMarker.ID, direct.ID)
		expect(t, daveNotes, lastNote.ID, note.ID)
	})
	t.Run("public streams carry public originals only, once per stream", func(t *testing.T) {
		for _, want := range []int64{pub.ID, pub.ID, marker.ID, marker.ID} {
			if got := statusID(next(t, carolPublic)); got != want {
				t.Fatalf("delivery %d, want %d", got, want)
			}
		}
	})
	t.Run("hashtag streams match tags in any case", func(t *testing.T) {
		expect(t, carolTag, marker.ID, pub.ID)
	})
	t.Run("streams sada has nothing for stay silent", func(t *testing.T) {
		select {
		case d := <-carolSilent.C():
			t.Errorf("got %+v", d)
		default:
		}
	})
}

func TestSlowReaderIsDropped(t *testing.T) {
	f := newFixture(t, stream.Options{Buffer: 2})
	alice := f.account(t, "alice")
	public := stream.Stream{Name: stream.Public}
	slow := f.subscribe(t, alice, false, 0, public)
	fast := f.subscribe(t, alice, false, 0, public)
	var posts []*store.Status
	for range 10 {
		st := status(alice, store.Public)
		posts = append(posts, st)
		f.hub.Publish(update(st))
		// The fast reader keeps up, so its buffer never fills.
		if got := statusID(next(t, fast)); got != st.ID {
			t.Fatalf("fast reader got %d, want %d", got, st.ID)
		}
	}
	select {
	case <-slow.Done():
	case <-time.After(wait):
		t.Fatal("the slow reader was not dropped")
	}
	if !errors.Is(slow.Err(), stream.ErrTooSlow) {
		t.Errorf("Err = %v, want ErrTooSlow", slow.Err())
	}
	if s := f.hub.Stats(); s.Dropped != 1 || s.Subscriptions != 1 {
		t.Errorf("Stats = %+v, want 1 dropped and 1 left", s)
	}
	// It got what fitted in its buffer; the rest it can resume from the
	// id of the last one it saw.
	var last uint64
	for range 2 {
		last = (<-slow.C()).Event.ID
	}
	again := f.subscribe(t, alice, false, last, public)
	var got []int64
	for _, d := range again.Replay() {
		got = append(got, d.Event.Status.ID)
	}
	if len(got) != 8 || got[0] != posts[2].ID || got[7] != posts[9].ID {
		t.Errorf("replay after reconnect: %v, want the last 8 posts", got)
	}
}

func TestReplay(t *testing.T) {
	f := newFixture(t, stream.Options{Replay: 4})
	alice := f.account(t, "alice")
	bob := f.account(t, "bob")
	carol := f.account(t, "carol")
	f.follow(t, bob, alice)
	user := stream.Stream{Name: stream.User}
	watcher := f.subscribe(t, carol, false, 0, user)
	own := f.subscribe(t, alice, false, 0, user) // alice's home shows all her posts

	// Six posts by alice (the fifth private), then one by carol; the hub
	// keeps the last four events.
	var posts []*store.Status
	for i := range 6 {
		vis := store.Public
		if i == 4 {
			vis = store.Private
		}
		posts = append(posts, status(alice, vis))
	}
	posts = append(posts, status(carol, store.Public))
	for _, st := range posts {
		f.hub.Publish(update(st))
	}
	// The event ids, from the streams that saw them.
	var evID []uint64
	for range 6 {
		evID = append(evID, next(t, own).Event.ID)
	}
	last := next(t, watcher).Event.ID // carol's own post
	for i := 1; i < len(evID); i++ {
		if evID[i] <= evID[i-1] {
			t.Fatalf("event ids %v do not increase", evID)
		}
	}

	ids := func(ds []stream.Delivery) []int64 {
		var out []int64
		for _, d := range ds {
			out = append(out, d.Event.Status.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		reader *store.Account
		after  uint64
		want   []*store.Status
	}{
		{"missed within the window", bob, evID[3], []*store.Status{posts[4], posts[5]}},
		{"up to date", bob, last, nil},
		{"a reader gets only what she could see", carol, evID[3], []*store.Status{posts[6]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := f.subscribe(t, tc.reader, false, tc.after, user)
			var want []int64
			for _, st := range tc.want {
				want = append(want, st.ID)
			}
			if diff := cmp.Diff(want, ids(sub.Replay())); diff != "" {
				t.Errorf("replay (-want +got):\n%s", diff)
			}
		})
	}

	// Live events follow the replay without a gap or a repeat.
	sub := f.subscribe(t, bob, false, evID[4], user)
	live := status(alice, store.Public)
	f.hub.Publish(update(live))
	if diff := cmp.Diff([]int64{posts[5].ID}, ids(sub.Replay())); diff != "" {
		t.Errorf("replay (-want +got):\n%s", diff)
	}
	if got := statusID(next(t, sub)); got != live.ID {
		t.Errorf("first live delivery %d, want %d", got, live.ID)
	}
}

func TestStop(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sada.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hub := stream.New(st, stream.NewLocal(), stream.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- hub.Run(ctx) }()
	sub, err := hub.Subscribe(t.Context(), stream.Reader{}, []stream.Stream{{Name: stream.Public}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
	<-sub.Done()
	if !errors.Is(sub.Err(), stream.ErrClosed) {
		t.Errorf("Err = %v, want ErrClosed", sub.Err())
	}
	if _, err := hub.Subscribe(t.Context(), stream.Reader{}, nil, 0); !errors.Is(err, stream.ErrClosed) {
		t.Errorf("Subscribe after stop: %v, want ErrClosed", err)
	}
}

func TestParseStream(t *testing.T) {
	tests := []struct {
		name, tag string
		want      []string
		err       error
	}{
		{"user", "", []string{"user"}, nil},
		{"public:local", "", []string{"public:local"}, nil},
		{"hashtag", "Café", []string{"hashtag", "Café"}, nil},
		{"hashtag:local", "", nil, stream.ErrNoTag},
		{"list", "", nil, stream.ErrUnknownStream},
		{"", "", nil, stream.ErrUnknownStream},
	}
	for _, tc := range tests {
		s, err := stream.ParseStream(tc.name, tc.tag)
		if !errors.Is(err, tc.err) {
			t.Errorf("ParseStream(%q, %q): %v, want %v", tc.name, tc.tag, err, tc.err)
			continue
		}
		if err == nil && len(s.Names()) != len(tc.want) {
			t.Errorf("ParseStream(%q, %q).Names() = %v, want %v", tc.name, tc.tag, s.Names(), tc.want)
		}
	}
}

func TestLocalFeed(t *testing.T) {
	l := stream.NewLocal()
	for range 3 {
		l.Publish(social.Event{Kind: social.EventDelete, StatusID: 1})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got []uint64
	err := l.Listen(ctx, func(_ context.Context, id uint64, _ social.Event) {
		got = append(got, id)
		if len(got) == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Listen = %v, want context.Canceled", err)
	}
	if len(got) != 3 || got[1] != got[0]+1 || got[2] != got[1]+1 || got[0] < uint64(time.Now().Add(-time.Hour).UnixMicro()) {
		t.Errorf("ids %v: want three consecutive ids from the current time", got)
	}
}

func TestMemo(t *testing.T) {
	var ev stream.Event
	if _, ok, _ := ev.Cached("k"); ok {
		t.Fatal("Cached before Memo: ok")
	}
	calls := 0
	release := make(chan struct{})
	done := make(chan any)
	for range 10 {
		go func() {
			v, _ := ev.Memo("k", func() (any, error) {
				calls++ // only ever one caller: the race detector would say otherwise
				<-release
				return 42, nil
			})
			done <- v
		}()
	}
	close(release)
	for range 10 {
		if v := <-done; v != 42 {
			t.Fatalf("Memo = %v, want 42", v)
		}
	}
	if v, ok, err := ev.Cached("k"); !ok || v != 42 || err != nil || calls != 1 {
		t.Errorf("Cached = %v, %v, %v after %d calls; want 42 after one call", v, ok, err, calls)
	}
}

// TestResumeFromStore: a resume point the hub does not hold (an id from
// the process before a hot upgrade or a restart, or one pushed out of the
// ring) is served from the store: the reader gets every post she may see
// from shortly before that point on.
func TestResumeFromStore(t *testing.T) {
	f := newFixture(t, stream.Options{Replay: 4})
	alice := f.account(t, "alice")
	bob := f.account(t, "bob")
	carol := f.account(t, "carol")
	f.follow(t, bob, alice)
	ctx := t.Context()
	save := func(author *store.Account, vis store.Visibility, tags ...string) *store.Status {
		t.Helper()
		st := status(author, vis, tagged(tags...))
		n := store.NewStatus{Status: st, Tags: tags, FanOutToFollowers: true, HomeIDs: []int64{author.ID}}
		for _, tg := range tags {
			n.TagKeys = append(n.TagKeys, post.TagKey(tg))
		}
		saved, _, err := f.st.CreateStatus(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return saved
	}
	old := save(alice, store.Public)
	// The previous process's last event came now; what follows it must
	// come back, and what came a little before it (within the slack, like
	// old) comes back too rather than risk a miss.
	mark := uint64(time.Now().UnixMicro())
	missed := []*store.Status{save(alice, store.Public, "Tehran"), save(alice, store.Private), save(carol, store.Public)}

	tests := []struct {
		name   string
		reader *store.Account
		stream stream.Stream
		want   []*store.Status
	}{
		{"home of a follower: public and private", bob, stream.Stream{Name: stream.User}, []*store.Status{old, missed[0], missed[1]}},
		{"home of a stranger: her own post only", carol, stream.Stream{Name: stream.User}, []*store.Status{missed[2]}},
		{"public: public posts only", carol, stream.Stream{Name: stream.Public}, []*store.Status{old, missed[0], missed[2]}},
		{"hashtag", carol, mustStream(t, stream.Hashtag, "tehran"), []*store.Status{missed[0]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := f.subscribe(t, tc.reader, false, mark, tc.stream)
			var got, want []int64
			for _, d := range sub.Replay() {
				got = append(got, d.Event.Status.ID)
				if d.Event.ID != mark {
					t.Errorf("replayed event id %d, want the resume point %d", d.Event.ID, mark)
				}
			}
			for _, st := range tc.want {
				want = append(want, st.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("replay from the store (-want +got):\n%s", diff)
			}
		})
	}
}
