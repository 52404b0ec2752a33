package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sada-project/sada/internal/store"
)

// Templates: layout.html is the frame of every page, partials.html holds
// the pieces pages share (a post, a timeline, the action form), and every
// other file is one page, defining "title" and "main".
//
//go:embed templates
var templateFS embed.FS

func loadTemplates() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// page is what the layout needs; every page's data embeds it.
type page struct {
	L      *locale
	Viewer *store.Account // nil when signed out
	CSRF   string
	// Here is the page's own path and query, where forms send the reader
	// back to and the language links return to.
	Here  string
	Title string
	Nav   string // which navigation item is current
	Site  string
	About string
	CSS   string
	JS    string
	Icon  string
	Feeds []feedLink
	Langs []*locale // the language menu
	// Stream is where static/app.js follows the live timeline this page
	// shows (live.go), for the "N new posts" bar; "" when it has none.
	Stream string
	// Query is what the search box in the top bar holds.
	Query string
	// Trends are the trending hashtags of the sidebar (home only).
	Trends []trendView
	// Signup says whether sign-ups are open, for the navigation.
	Signup bool
	// NoAside leaves out the aside, where the page says the same itself.
	NoAside bool
}

// feedLink is an Atom feed offered in the page head.
type feedLink struct{ Title, URL string }

func (h *Web) page(r *http.Request, title, nav string) page {
	v := visitOf(r)
	ls := make([]*locale, len(langs))
	for i, l := range langs {
		ls[i] = locales[l]
	}
	return page{
		L: v.loc, Viewer: v.viewer, CSRF: v.csrf, Here: r.URL.RequestURI(), Title: title, Nav: nav,
		Site: h.site, About: h.about, Langs: ls, Signup: h.signup,
		CSS: h.assets.url("app.css"), JS: h.assets.url("app.js"), Icon: h.assets.url("icon.svg"),
	}
}

// SignedIn is for templates.
func (p page) SignedIn() bool { return p.Viewer != nil }

// LangURL is the footer link that switches the interface to l.
func (p page) LangURL(l *locale) string {
	return "/lang/" + l.Lang + "?back=" + url.QueryEscape(p.Here)
}

// render writes a page. Rendering into a buffer first means a template
// error becomes an error page rather than half a page.
func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := h.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		h.log.Error("web: render", "page", name, "err", err)
		if name != "error" {
			h.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		} else {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "private, no-cache")
	hd.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// redirect answers a form with 303 See Other, which makes the browser GET
// the target, so reloading it never sends the form again.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath returns p when it is a path on this site, and "/" otherwise,
// so a form's "back" field cannot send anyone to another site.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return p
}

// back is where a form returns to: its "back" field, without a fragment,
// with anchor (when not "") as the new fragment.
func back(r *http.Request, anchor string) string {
	p := localPath(r.PostForm.Get("back"))
	p, _, _ = strings.Cut(p, "#")
	if anchor != "" {
		p += "#" + anchor
	}
	return p
}

// pageLimit is how many posts or notifications a page shows.
const pageLimit = 20

// readPage reads the max_id of a "more" link; a malformed one is a 400.
func readPage(r *http.Request) (store.Page, error) {
	p := store.Page{Limit: pageLimit}
	if s := r.URL.Query().Get("max_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return p, errBadRequest
		}
		p.MaxID = id
	}
	return p, nil
}

// moreURL is the "more" link after a full page whose last item is lastID,
// or "" when the page was not full (there is nothing older).
func moreURL(r *http.Request, n int, lastID int64) string {
	if n < pageLimit || lastID == 0 {
		return ""
	}
	q := r.URL.Query()
	q.Set("max_id", strconv.FormatInt(lastID, 10))
	return r.URL.Path + "?" + q.Encode()
}

// pathID reads a numeric id from the path; a malformed one is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}
