package post

import (
	"html"
	"strings"
)

// Linker resolves entity links while rendering; implemented by the API
// layer, which knows the accounts and the server's URLs, so that this
// package stays free of storage and routing.
type Linker interface {
	// MentionURL returns the profile URL of the mentioned account; ok is
	// false when it is not a known account, and the mention is then
	// rendered as plain text.
	MentionURL(m Mention) (url string, ok bool)
	// TagURL returns the URL of the timeline for the tag name as written.
	TagURL(name string) string
}

// HTML renders text as Mastodon does: paragraphs split on blank lines into
// <p>, single newlines as <br />, and links for URLs, for mentions l knows
// and for hashtags. All user text is escaped, so no markup from the user
// survives. Text is normalised and its surrounding whitespace dropped first,
// so HTML(text) == HTML(stored) for what Check stores; empty text renders
// as "". A nil l links URLs only. Only http and https URLs are ever put in
// an href, including those l returns, so a faulty Linker cannot produce a
// javascript: link.
func HTML(text string, l Linker) string {
	s := strings.TrimSpace(Normalize(text))
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2 + 16)
	b.WriteString("<p>")
	pos := 0
	for _, t := range scan(s) {
		writeText(&b, s[pos:t.start])
		writeEntity(&b, s[t.start:t.end], t, l)
		pos = t.end
	}
	writeText(&b, s[pos:])
	b.WriteString("</p>")
	return b.String()
}

// writeText writes plain text escaped, a single newline as <br /> and a
// run of two or more newlines as a paragraph break, as Rails' simple_format
// does for Mastodon.
func writeText(b *strings.Builder, s string) {
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			return
		}
		b.WriteString(html.EscapeString(s[:i]))
		n := len(s[i:]) - len(strings.TrimLeft(s[i:], "\n"))
		if n == 1 {
			b.WriteString("<br />")
		} else {
			b.WriteString("</p><p>")
		}
		s = s[i+n:]
	}
}

// writeEntity writes the entity whose text is v, linked when it can be.
func writeEntity(b *strings.Builder, v string, t entity, l Linker) {
	switch t.kind {
	case kindURL:
		u := html.EscapeString(v)
		b.WriteString(`<a href="` + u + `" target="_blank" rel="nofollow noopener noreferrer">` + u + `</a>`)
		return
	case kindMention:
		if l != nil {
			if u, ok := l.MentionURL(t.mention); ok && linkable(u) {
				b.WriteString(`<span class="h-card"><a href="` + html.EscapeString(u) +
					`" class="u-url mention">@<span>` + html.EscapeString(v[1:]) + `</span></a></span>`)
				return
			}
		}
	case kindTag:
		if l != nil {
			if u := l.TagURL(v[1:]); linkable(u) {
				b.WriteString(`<a href="` + html.EscapeString(u) +
					`" class="mention hashtag" rel="tag">#<span>` + html.EscapeString(v[1:]) + `</span></a>`)
				return
			}
		}
	}
	b.WriteString(html.EscapeString(v))
}

// linkable reports whether u may go in an href: an http or https URL.
func linkable(u string) bool {
	n := schemeLen(u)
	return n > 0 && len(u) > n
}
