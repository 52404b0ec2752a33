package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// The stylesheet, script and icon are embedded in the binary and served
// under names carrying a hash of their content ("app.1a2b3c4d5e.css"), so
// they can be cached for a year: a new release changes the name, never the
// content behind a name. At start-up each loses its comments and
// indentation (see minify) and is gzipped once.
//
//go:embed static
var staticFS embed.FS

type asset struct {
	url   string // /static/name.HASH.ext
	ctype string
	body  []byte
	gz    []byte
	etag  string
}

type assets struct {
	byName map[string]*asset // by file name in static/
	byFile map[string]*asset // by hashed file name
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		body = minify(path.Ext(name), body)
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:5])
		ext := path.Ext(name)
		file := strings.TrimSuffix(name, ext) + "." + hash + ext
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		ctype := mime.TypeByExtension(ext)
		if ext == ".js" {
			ctype = "text/javascript; charset=utf-8" // mime's answer varies by system
		}
		as := &asset{url: "/static/" + file, ctype: ctype, body: body, gz: gz.Bytes(), etag: `"` + hash + `"`}
		a.byName[name], a.byFile[file] = as, as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	return a, nil
}

// minify drops what only a reader of the source needs: comments and
// indentation. It relies on how static/ is written (CSS comments only
// between rules, JavaScript comments only on lines of their own) rather
// than parsing, which TestAssetsMinified and the browser test check.
func minify(ext string, b []byte) []byte {
	var out []byte
	switch ext {
	case ".css":
		for len(b) > 0 {
			i := bytes.Index(b, []byte("/*"))
			if i < 0 {
				out = append(out, b...)
				break
			}
			out = append(out, b[:i]...)
			j := bytes.Index(b[i:], []byte("*/"))
			if j < 0 {
				break
			}
			b = b[i+j+2:]
		}
		return bytes.ReplaceAll(out, []byte("\n"), nil)
	case ".js":
		for line := range bytes.SplitSeq(b, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
				continue
			}
			out = append(append(out, line...), '\n')
		}
		return out
	}
	return b
}

// url returns the hashed URL of a file in static/.
func (a *assets) url(name string) string {
	if as, ok := a.byName[name]; ok {
		return as.url
	}
	panic("web: no asset " + name) // a template names a file that is not there
}

// static serves an asset by its hashed name.
func (h *Web) static(w http.ResponseWriter, r *http.Request) {
	as, ok := h.assets.byFile[r.PathValue("file")]
	if !ok {
		h.notFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("Content-Type", as.ctype)
	hd.Set("ETag", as.etag)
	if r.Header.Get("If-None-Match") == as.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := as.body
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		body = as.gz
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// favicon answers browsers that ask for /favicon.ico despite the page's
// icon link, cheaply and without an error page.
func (h *Web) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, h.assets.url("icon.svg"), http.StatusMovedPermanently)
}
