package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sada-project/sada/internal/store"
)

// The interface speaks English, Arabic and Persian. Each catalogue in
// i18n/ is a flat JSON object from message key to text, with {name}
// placeholders; keys starting with '_' describe the locale itself. The
// catalogues must have the same keys (a test checks), and a key missing at
// run time shows as ⟦key⟧ so that the page tests notice it.
//
//go:embed i18n/*.json
var catalogueFS embed.FS

// langs are the interface languages, the first being the fallback.
var langs = []string{"en", "ar", "fa"}

const defaultLang = "en"

// locales holds every catalogue, loaded once.
var locales = mustLoadLocales()

// matcher picks among langs from Accept-Language.
var matcher = language.NewMatcher([]language.Tag{language.English, language.Arabic, language.Persian})

// locale formats text, numbers and dates for one language.
type locale struct {
	Lang string // BCP 47 tag for lang=""
	Dir  string // "ltr" or "rtl" for dir=""
	Name string // the language's own name, for the language menu
	msgs map[string]string
	// digits are the ten digits numbers are written with; nil for 0-9.
	digits []rune
	group  string // thousands separator
	// persian dates use the Solar Hijri calendar that Iran and Afghanistan
	// live by; the others use the Gregorian calendar.
	persian bool
}

func mustLoadLocales() map[string]*locale {
	m, err := loadLocales()
	if err != nil {
		panic(err) // embedded data; TestCatalogues shows the cause first
	}
	return m
}

func loadLocales() (map[string]*locale, error) {
	out := map[string]*locale{}
	for _, lang := range langs {
		b, err := catalogueFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", lang, err)
		}
		l := &locale{Lang: lang}
		if err := json.Unmarshal(b, &l.msgs); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", lang, err)
		}
		l.Dir, l.Name, l.group = l.msgs["_dir"], l.msgs["_name"], l.msgs["_group"]
		l.persian = l.msgs["_calendar"] == "persian"
		if d := []rune(l.msgs["_digits"]); len(d) == 10 && d[0] != '0' {
			l.digits = d
		}
		if l.Dir != "ltr" && l.Dir != "rtl" || l.Name == "" {
			return nil, fmt.Errorf("catalogue %s: _dir and _name must be set", lang)
		}
		out[lang] = l
	}
	return out, nil
}

// pickLocale chooses the reader's language: the footer's choice (a
// cookie) first, then the account's setting, then Accept-Language.
func (h *Web) pickLocale(r *http.Request, viewer *store.Account) *locale {
	if c, err := r.Cookie(h.cookieName(r, langCookie)); err == nil {
		if l, ok := locales[c.Value]; ok {
			return l
		}
	}
	if viewer != nil {
		if l, ok := locales[viewer.Language]; ok {
			return l
		}
	}
	return locales[matchLanguage(r.Header.Get("Accept-Language"))]
}

// matchLanguage returns the interface language that best fits an
// Accept-Language header.
func matchLanguage(accept string) string {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return defaultLang
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return defaultLang
	}
	return langs[i]
}

// T returns the message for key with each {name} replaced, for args given
// as name, value pairs. Values are not markup: templates escape the result.
func (l *locale) T(key string, args ...any) string {
	s, ok := l.msgs[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", l.value(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// value formats a placeholder's value: numbers in the locale's digits.
func (l *locale) value(v any) string {
	switch n := v.(type) {
	case int:
		return l.Num(int64(n))
	case int64:
		return l.Num(n)
	}
	return fmt.Sprint(v)
}

// Num writes n in the locale's digits with its thousands separator.
func (l *locale) Num(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) > 3 {
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteString(l.group)
			}
			b.WriteRune(c)
		}
		s = b.String()
	}
	if neg {
		s = "-" + s
	}
	return l.digitsOf(s)
}

// Count is Num for a count shown beside a button, which shows nothing at 0.
func (l *locale) Count(n int64) string {
	if n <= 0 {
		return ""
	}
	return l.Num(n)
}

// digitsOf replaces ASCII digits with the locale's.
func (l *locale) digitsOf(s string) string {
	if l.digits == nil {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return l.digits[r-'0']
		}
		return r
	}, s)
}

// Digits returns the locale's ten digits for the script ("" for 0-9), so
// the character counter writes numbers as the server does.
func (l *locale) Digits() string { return string(l.digits) }

// Ago says compactly how long before now t was: "now", "5m", "3h", "2d",
// then a date.
func (l *locale) Ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return l.T("time.now")
	case d < time.Hour:
		return l.T("time.minutes", "n", int64(d/time.Minute))
	case d < 24*time.Hour:
		return l.T("time.hours", "n", int64(d/time.Hour))
	case d < 7*24*time.Hour:
		return l.T("time.days", "n", int64(d/(24*time.Hour)))
	}
	return l.Date(t, now)
}

// Date writes t's day and month, and its year when it is not now's.
func (l *locale) Date(t, now time.Time) string {
	y, m, d := l.ymd(t)
	if ny, _, _ := l.ymd(now); y == ny {
		return l.T("date.short", "d", l.digitsOf(strconv.Itoa(d)), "month", l.T(fmt.Sprintf("month.%d", m)))
	}
	return l.LongDate(t)
}

// LongDate writes t's day, month and year.
func (l *locale) LongDate(t time.Time) string {
	y, m, d := l.ymd(t)
	return l.T("date.long", "d", l.digitsOf(strconv.Itoa(d)), "month", l.T(fmt.Sprintf("month.%d", m)), "y", l.digitsOf(strconv.Itoa(y)))
}

// Exact writes t to the minute, in UTC: the tooltip of every time. The
// script rewrites it in the reader's own time zone when it runs.
func (l *locale) Exact(t time.Time) string {
	t = t.UTC()
	y, m, d := l.ymd(t)
	hm := l.digitsOf(fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()))
	return l.T("date.exact", "d", l.digitsOf(strconv.Itoa(d)), "month", l.T(fmt.Sprintf("month.%d", m)), "y", l.digitsOf(strconv.Itoa(y)), "time", hm)
}

// ymd is t's date (in UTC) in the locale's calendar.
func (l *locale) ymd(t time.Time) (y, m, d int) {
	t = t.UTC()
	if l.persian {
		return solarHijri(t.Year(), int(t.Month()), t.Day())
	}
	return t.Year(), int(t.Month()), t.Day()
}
