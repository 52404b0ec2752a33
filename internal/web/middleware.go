package web

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
)

// contentSecurityPolicy allows scripts, styles and images from this origin
// only: no inline script or style (so injected markup cannot run), nothing
// from another host, no framing, and forms may post only here.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxForm bounds a form body; the largest form is a bio of 500 characters.
const maxForm = 64 << 10

// middleware wraps every page: security headers, gzip, the visit (session,
// CSRF token, language), and for POSTs the cross-origin and CSRF checks,
// so that no handler can forget them.
func (h *Web) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		gw := newGzipWriter(w, r)
		defer gw.Close()
		w = gw
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				h.log.Error("web: panic", "path", r.URL.Path, "panic", p)
				h.fail(w, r, errors.New("panic"))
			}
		}()

		if strings.HasPrefix(r.URL.Path, "/static/") {
			// The same for everyone: no session to look up, no cookie to set.
			next.ServeHTTP(w, r)
			return
		}
		v, err := h.loadVisit(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.loc = h.pickLocale(r, v.viewer)
		r = withVisit(r, v)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := cop.Check(r); err != nil {
				h.fail(w, r, errCSRF)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				h.fail(w, r, errBadForm)
				return
			}
			if !validCSRF(r.PostForm.Get("csrf"), v.csrf) {
				h.fail(w, r, errCSRF)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// compressible lists the content types worth gzipping.
var compressible = []string{"text/html", "text/css", "text/javascript", "application/atom+xml", "image/svg+xml"}

// gzipWriter compresses the response when the client accepts gzip and the
// content type is text. Static assets are compressed once at start-up
// and sent with Content-Encoding already set, which this leaves alone.
type gzipWriter struct {
	http.ResponseWriter
	accepts bool
	decided bool
	gz      *gzip.Writer
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}

func newGzipWriter(w http.ResponseWriter, r *http.Request) *gzipWriter {
	w.Header().Add("Vary", "Accept-Encoding")
	return &gzipWriter{ResponseWriter: w, accepts: acceptsGzip(r.Header.Get("Accept-Encoding")) && r.Method != http.MethodHead}
}

// acceptsGzip reads Accept-Encoding, honouring an explicit "gzip;q=0".
func acceptsGzip(ae string) bool {
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func (g *gzipWriter) WriteHeader(code int) {
	if !g.decided {
		g.decided = true
		hd := g.Header()
		ct := hd.Get("Content-Type")
		if g.accepts && code != http.StatusNoContent && code != http.StatusNotModified &&
			hd.Get("Content-Encoding") == "" && isCompressible(ct) {
			hd.Set("Content-Encoding", "gzip")
			hd.Del("Content-Length")
			g.gz = gzipPool.Get().(*gzip.Writer)
			g.gz.Reset(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// Close finishes the gzip stream, if one was started.
func (g *gzipWriter) Close() {
	if g.gz != nil {
		g.gz.Close()
		g.gz.Reset(io.Discard)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func isCompressible(ct string) bool {
	for _, c := range compressible {
		if strings.HasPrefix(ct, c) {
			return true
		}
	}
	return false
}
