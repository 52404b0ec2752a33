package sms

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var verbs = regexp.MustCompile(`%[sd]`)

// TestCatalog checks that every reply exists in every language, with the
// same verbs in the same order, and fits in the default four SMS parts
// with a long name filled in.
func TestCatalog(t *testing.T) {
	name := strings.Repeat("n", 30)
	for lang, c := range catalog {
		for m := range msgCount {
			if c[m] == "" {
				t.Errorf("%s: message %d is missing", lang, m)
				continue
			}
			want := verbs.FindAllString(catalog["en"][m], -1)
			got := verbs.FindAllString(c[m], -1)
			if !slices.Equal(got, want) {
				t.Errorf("%s: message %d has verbs %v, English has %v", lang, m, got, want)
			}
			var args []any
			for _, v := range got {
				if v == "%d" {
					args = append(args, 12345)
				} else {
					args = append(args, name)
				}
			}
			if text := say(lang, m, args...); Parts(text) > 4 {
				t.Errorf("%s: message %d takes %d parts: %q", lang, m, Parts(text), text)
			}
		}
	}
}

// TestHelpListsEveryCommand checks that HELP names a word of each command
// in its own language.
func TestHelpListsEveryCommand(t *testing.T) {
	for _, lang := range []string{"en", "ar", "fa"} {
		help := fold(say(lang, msgHelp))
		for kind, byLang := range Aliases {
			if kind == Join || kind == Help {
				continue // HELP is for people who have joined, and know HELP
			}
			found := false
			for _, w := range byLang[lang] {
				if strings.Contains(help, fold(w)) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s HELP names no word of %v (%v): %s", lang, kind, byLang[lang], say(lang, msgHelp))
			}
		}
	}
}

func TestScriptLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"hello": "", "مرحبا بالعالم": "ar", "سلام دنیا": "fa", "ژاله": "fa", "123": "",
	} {
		if got := scriptLanguage(in); got != want {
			t.Errorf("scriptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}
