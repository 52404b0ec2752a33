package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// StreamConfig is the streams workload: open follower streams, post as the
// account they follow, and time each post from its acknowledgement to its
// arrival on every stream.
type StreamConfig struct {
	Streams  int           // follower streams to open
	Posts    int           // posts the followed account makes
	Interval time.Duration // between posts
	Opening  int           // streams opened at once
	Seed     uint64
}

// StreamResult is what the streams workload measured.
type StreamResult struct {
	Available bool
	Note      string // why it did not run, or what it could not do as asked
	Streams   int    // streams open when posting began
	Posts     int    // posts acknowledged
	Expected  uint64 // deliveries expected: posts × streams
	Delivered uint64
	// Delivery is from the post's acknowledgement (its 200 arriving at the
	// poster) to the event arriving on a follower's stream; Early counts
	// events that arrived before the acknowledgement did (recorded as 0).
	Delivery Histogram
	Early    uint64
}

// streamPath is Mastodon's home-and-notifications stream.
const streamPath = "/api/v1/streaming/user"

// RunStreams runs the streams workload against the population's most
// followed account. When the server has no streaming API it says so in
// the result and sends nothing more.
func RunStreams(ctx context.Context, c *Client, pop *Population, cfg StreamConfig) *StreamResult {
	res := &StreamResult{}
	author, followers := mostFollowed(pop)
	if author < 0 || len(followers) == 0 {
		res.Note = "no account in the population has followers"
		return res
	}
	n := min(cfg.Streams, len(followers))
	if n < cfg.Streams {
		res.Note = fmt.Sprintf("the most followed account has %d followers: %d streams instead of %d", len(followers), n, cfg.Streams)
	}
	followers = followers[:n]

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var arrivals []arrival
	var wg sync.WaitGroup
	defer wg.Wait()

	first, err := openStream(ctx, c, pop.Accounts[followers[0]].Token)
	if err != nil {
		res.Note = "streaming API not available: " + err.Error()
		return res
	}
	res.Available = true
	streams := []*http.Response{first}
	var smu sync.Mutex
	streamCtx := ctx // not parallel's, which ends when the opening is done
	err = parallel(ctx, n-1, max(cfg.Opening, 1), func(_ context.Context, i int) error {
		s, err := openStream(streamCtx, c, pop.Accounts[followers[i+1]].Token)
		if err != nil {
			return err
		}
		smu.Lock()
		streams = append(streams, s)
		smu.Unlock()
		return nil
	})
	if err != nil {
		for _, s := range streams {
			s.Body.Close()
		}
		res.Note = "opening streams: " + err.Error()
		return res
	}
	for _, s := range streams {
		wg.Go(func() {
			defer s.Body.Close()
			readEvents(s, func(event string, data []byte) {
				if event != "update" {
					return
				}
				var st struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(data, &st) == nil {
					now := time.Now()
					mu.Lock()
					arrivals = append(arrivals, arrival{st.ID, now})
					mu.Unlock()
				}
			})
		})
	}
	go func() { <-ctx.Done(); closeAll(streams) }()
	res.Streams = len(streams)

	acks := map[string]time.Time{}
	texts := NewTexts(cfg.Seed, nil)
	tick := time.NewTicker(max(cfg.Interval, time.Millisecond))
	for range cfg.Posts {
		text, lang := texts.Next()
		var st struct {
			ID string `json:"id"`
		}
		err := c.JSON(ctx, "POST", "/api/v1/statuses", pop.Accounts[author].Token,
			url.Values{"status": {text}, "language": {lang}}, &st)
		if err == nil {
			acks[st.ID] = time.Now()
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	tick.Stop()
	res.Posts = len(acks)
	res.Expected = uint64(res.Posts) * uint64(res.Streams)
	// Give the last post time to arrive everywhere, then stop listening.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		got := countAcked(arrivals, acks)
		mu.Unlock()
		if got >= res.Expected {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	for _, a := range arrivals {
		ack, ok := acks[a.id]
		if !ok {
			continue // someone else's post, or one whose answer we never got
		}
		res.Delivered++
		d := a.at.Sub(ack)
		if d < 0 {
			res.Early++
			d = 0
		}
		res.Delivery.Record(d)
	}
	return res
}

// arrival is an update event seen on a stream.
type arrival struct {
	id string
	at time.Time
}

func countAcked(arrivals []arrival, acks map[string]time.Time) uint64 {
	var n uint64
	for _, a := range arrivals {
		if _, ok := acks[a.id]; ok {
			n++
		}
	}
	return n
}

func closeAll(streams []*http.Response) {
	for _, s := range streams {
		s.Body.Close()
	}
}

// openStream opens a user stream and checks that it is one.
func openStream(ctx context.Context, c *Client, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.Base.String()+streamPath, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", streamPath, err)
	}
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix([]byte(ct), []byte("text/event-stream")) {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: status %d, content type %q", streamPath, resp.StatusCode, ct)
	}
	return resp, nil
}

// readEvents calls fn for each Server-Sent Event until the stream ends.
func readEvents(resp *http.Response, fn func(event string, data []byte)) {
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var event string
	var data []byte
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if event != "" || data != nil {
				fn(event, data)
			}
			event, data = "", nil
		case bytes.HasPrefix(line, []byte("event:")):
			event = string(bytes.TrimSpace(line[len("event:"):]))
		case bytes.HasPrefix(line, []byte("data:")):
			data = append(data, bytes.TrimPrefix(line[len("data:"):], []byte(" "))...)
		}
	}
}

// mostFollowed returns the account with the most followers in the
// population's graph and the indexes of its followers.
func mostFollowed(pop *Population) (int, []int) {
	followers := make([][]int, len(pop.Accounts))
	for i, fs := range pop.Follows {
		for _, j := range fs {
			if j < len(followers) {
				followers[j] = append(followers[j], i)
			}
		}
	}
	best := -1
	for j := range followers {
		if best < 0 || len(followers[j]) > len(followers[best]) {
			best = j
		}
	}
	if best < 0 {
		return -1, nil
	}
	return best, slices.Clone(followers[best])
}
