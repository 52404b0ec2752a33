package mastoapi_test

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"
)

// served records, for every route pattern, whether some test got a
// successful answer from it; TestMain then fails a full run that left a
// route in routes.go untested.
var served = struct {
	sync.Mutex
	ok map[string]bool
}{ok: map[string]bool{}}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// recordRoutes wraps the server's mux, which sets r.Pattern to the route
// that served r.
func recordRoutes(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		mux.ServeHTTP(rec, r)
		served.Lock()
		defer served.Unlock()
		served.ok[r.Pattern] = served.ok[r.Pattern] || rec.status < 400 || r.Pattern == "/api/"
	})
}

// routePatterns are the patterns routes.go registers: the literal ones it
// spells out, and those it builds in loops or from constants.
func routePatterns() ([]string, error) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range regexp.MustCompile(`HandleFunc\("([A-Z]+ /[^"]*)"`).FindAllSubmatch(src, -1) {
		out = append(out, string(m[1]))
	}
	built := []string{
		"GET /api/v1/instance", "GET /api/v1/instance/{$}", "GET /api/v2/instance", "GET /api/v2/instance/{$}",
		"GET /avatars/original/missing.png", "GET /headers/original/missing.png", "/api/",
	}
	return append(out, built...), nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	// Only a run of every test can tell whether every route was served.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		routes, err := routePatterns()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		served.Lock()
		var missing []string
		for _, r := range routes {
			if !served.ok[r] {
				missing = append(missing, r)
			}
		}
		served.Unlock()
		if len(missing) > 0 {
			slices.Sort(missing)
			fmt.Fprintf(os.Stderr, "FAIL: no test got a successful answer from these routes:\n  %v\n", missing)
			code = 1
		}
	}
	os.Exit(code)
}

func TestRoutePatterns(t *testing.T) {
	routes, err := routePatterns()
	if err != nil {
		t.Fatal(err)
	}
	// 41 spelled out plus 7 built: a change to routes.go that this test
	// file cannot see (a new loop, a new constant) shows up here.
	if len(routes) != 48 {
		t.Fatalf("found %d routes, want 48; update routePatterns", len(routes))
	}
}
